"""Events and training: 宣讲, 大讲堂, 技能培训, 点单式 requests, works, statistics."""
