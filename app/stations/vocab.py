"""Fixed vocabularies: services (with Chinese labels and bit positions), kinds, host types."""

SERVICES = {
    "drinking_water": "饮用水",
    "hot_water": "热水",
    "microwave": "微波炉",
    "refrigerator": "冰箱",
    "toilet": "卫生间",
    "phone_charging": "手机充电",
    "ebike_charging": "电动车充电",
    "rest_seats": "休息座椅",
    "air_conditioning": "空调",
    "heating": "暖气",
    "first_aid_kit": "医药箱",
    "umbrella": "爱心雨伞",
    "repair_tools": "维修工具",
    "wifi": "无线网络",
    "reading_room": "阅读室",
    "chess_room": "棋牌室",
    "calligraphy_room": "书画室",
    "yoga_room": "瑜伽室",
    "counselling_room": "心理谈心室",
    "nursing_room": "母婴室",
    "wheelchair_access": "无障碍通道",
    "lockers": "储物柜",
    "shower": "淋浴",
}
# the same services in English (Accept-Language: en), in the same order
SERVICES_EN = {
    "drinking_water": "Drinking water",
    "hot_water": "Hot water",
    "microwave": "Microwave",
    "refrigerator": "Fridge",
    "toilet": "Toilet",
    "phone_charging": "Phone charging",
    "ebike_charging": "E-bike charging",
    "rest_seats": "Seats",
    "air_conditioning": "Air conditioning",
    "heating": "Heating",
    "first_aid_kit": "First-aid kit",
    "umbrella": "Umbrellas to borrow",
    "repair_tools": "Repair tools",
    "wifi": "Wi-Fi",
    "reading_room": "Reading room",
    "chess_room": "Chess and cards room",
    "calligraphy_room": "Calligraphy and painting room",
    "yoga_room": "Yoga room",
    "counselling_room": "Counselling room",
    "nursing_room": "Nursing room",
    "wheelchair_access": "Wheelchair access",
    "lockers": "Lockers",
    "shower": "Shower",
}
SERVICE_BITS = {code: 1 << index for index, code in enumerate(SERVICES)}
KINDS = {"outdoor_worker_station": "户外劳动者服务站", "love_station": "爱心驿站",
         "union_post": "工会驿站"}
HOST_TYPES = ("union", "bank", "mall", "government_window", "transport", "enterprise", "other")
STATUSES = ("planned", "active", "suspended", "closed")


def service_codes(mask: int) -> list[str]:
    """The codes of a services mask, in vocabulary order."""
    return [code for code, bit in SERVICE_BITS.items() if mask & bit]


def services_mask(codes: list[str]) -> int:
    mask = 0
    for code in codes:
        mask |= SERVICE_BITS[code]
    return mask
