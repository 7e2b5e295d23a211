"""Ready-to-use map links for a station (GCJ-02 stored; Baidu gets BD-09)."""

from __future__ import annotations

from urllib.parse import quote

from app.stations.geo import gcj02_to_bd09

SOURCE = "gonghui"
# Tencent's marker value is attribute sets `coord:…;title:…;addr:…` (sets split by `|`),
# parsed after the query is decoded: these characters in a name would start a new attribute
_TENCENT_SYNTAX = str.maketrans({";": "；", ":": "：", "|": "｜"})


def map_links(*, lat: float, lng: float, name: str, address: str) -> dict:
    """Amap wants lng,lat; Baidu and Tencent want lat,lng (WECHAT.md §8)."""
    bd_lat, bd_lng = gcj02_to_bd09(lat, lng)
    q_name, q_address = quote(name), quote(address or name)
    t_name = quote(name.translate(_TENCENT_SYNTAX))
    t_address = quote((address or name).translate(_TENCENT_SYNTAX))
    return {
        "amap": (f"https://uri.amap.com/marker?position={lng:.6f},{lat:.6f}&name={q_name}"
                 f"&src={SOURCE}&coordinate=gaode&callnative=1"),
        "baidu": (f"https://api.map.baidu.com/marker?location={bd_lat:.6f},{bd_lng:.6f}"
                  f"&title={q_name}&content={q_address}&output=html&coord_type=bd09ll"
                  f"&src=webapp.{SOURCE}.stations"),
        "tencent": (f"https://apis.map.qq.com/uri/v1/marker?marker=coord:{lat:.6f},{lng:.6f}"
                    f";title:{t_name};addr:{t_address}&referer={SOURCE}"),
        "open_location": {"latitude": round(lat, 6), "longitude": round(lng, 6), "name": name,
                          "address": address, "scale": 18},
    }
