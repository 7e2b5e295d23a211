"""Fixed vocabularies: services (with Chinese labels and bit positions), kinds, host types.

`SERVICES` and `KINDS` hold the Chinese the stored nearby cards show; the `*_LABELS` are the
same words as message ids (`core.labels`: Chinese by default, English on request) for every
other response (tests/stations/test_labels.py holds the two equal)."""

from app.core.i18n import N_

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

SERVICE_LABELS = {
    "drinking_water": N_("Drinking water"),
    "hot_water": N_("Hot water"),
    "microwave": N_("Microwave"),
    "refrigerator": N_("Refrigerator"),
    "toilet": N_("Toilet"),
    "phone_charging": N_("Phone charging"),
    "ebike_charging": N_("E-bike charging"),
    "rest_seats": N_("Seats to rest"),
    "air_conditioning": N_("Air conditioning"),
    "heating": N_("Heating"),
    "first_aid_kit": N_("First-aid kit"),
    "umbrella": N_("Umbrellas to borrow"),
    "repair_tools": N_("Repair tools"),
    "wifi": N_("Wi-Fi"),
    "reading_room": N_("Reading room"),
    "chess_room": N_("Chess and card room"),
    "calligraphy_room": N_("Calligraphy and painting room"),
    "yoga_room": N_("Yoga room"),
    "counselling_room": N_("Counselling room"),
    "nursing_room": N_("Nursing room"),
    "wheelchair_access": N_("Wheelchair access"),
    "lockers": N_("Lockers"),
    "shower": N_("Shower"),
}
KIND_LABELS = {"outdoor_worker_station": N_("Outdoor workers' service station"),
               "love_station": N_("Love station"), "union_post": N_("Union post")}
HOST_TYPE_LABELS = {
    "union": N_("Trade union"), "bank": N_("Bank branch"), "mall": N_("Shopping mall"),
    "government_window": N_("Government service hall"), "transport": N_("Transport hub"),
    "enterprise": N_("Enterprise"), "other": N_("Other host"),
}
STATUS_LABELS = {"planned": N_("Being set up"), "active": N_("Open to the public"),
                 "suspended": N_("Suspended"), "closed": N_("Closed")}
ACTION_LABELS = {"edit": N_("Edit"), "plan": N_("Set back to being set up"),
                 "activate": N_("Open the station"), "suspend": N_("Suspend"),
                 "close": N_("Close")}
FEEDBACK_STATUS_LABELS = {"visible": N_("Published"), "in_review": N_("Being checked"),
                          "rejected": N_("Not published")}
FEEDBACK_ACTIONS = {"approve": N_("Publish"), "reject": N_("Do not publish"),
                    "answer": N_("Answer")}


def service_codes(mask: int) -> list[str]:
    """The codes of a services mask, in vocabulary order."""
    return [code for code, bit in SERVICE_BITS.items() if mask & bit]


def services_mask(codes: list[str]) -> int:
    mask = 0
    for code in codes:
        mask |= SERVICE_BITS[code]
    return mask
