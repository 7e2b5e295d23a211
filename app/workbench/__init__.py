"""The officer workbench: one to-do queue across domains, badge counts, batch decisions."""
