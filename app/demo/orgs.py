"""Demo org tree (Jiangsu/Binhai, Guangxi/Donglan, Xining, Jingzhou), officers and members."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core import idcard, todos
from app.core.crypto import keyed_hash
from app.core.labels import code_label
from app.core.time import utcnow
from app.extensions import db
from app.members.models import INDUSTRIES, Membership
from app.orgs.models import OfficerRole, Org

BINHAI_TOWNS = {
    "坎北街道": ["长法村", "坎北社区", "新港村", "东风村", "联合村", "八里村", "先锋村", "友谊村"],
    "东坎街道": ["城东社区", "城西社区", "中市社区", "南门社区", "北门社区", "海滨社区",
                 "振兴社区", "富民社区"],
    "坎南街道": ["坎南社区", "建港村", "海丰村", "中心村", "民主村", "团结村", "幸福村", "永兴村"],
    "滨海港镇": ["港城社区", "海堆村", "灯塔村", "新海村", "渔港村", "海光村", "望海村", "潮音村"],
    "八巨镇": ["八巨社区", "新桥村", "三合村", "四合村", "横沟村", "中巨村", "合心村", "洋桥村"],
    "八滩镇": ["八滩社区", "南滩村", "北滩村", "新舍村", "红星村", "火星村", "前进村", "新民村"],
    "滨淮镇": ["滨淮社区", "淮海村", "东港村", "黄海村", "滨东村", "滨西村", "兴旺村", "四港村"],
    "天场镇": ["天场社区", "天南村", "天北村", "新河村", "大套村", "民星村", "建湖村", "天东村"],
    "陈涛镇": ["陈涛社区", "陈南村", "陈北村", "中兴村", "荡南村", "荡北村", "东兴村", "向阳村"],
    "五汛镇": ["五汛社区", "汛东村", "汛西村", "汛南村", "汛北村", "大兴村", "红旗村", "立新村"],
    "蔡桥镇": ["蔡桥社区", "桥东村", "桥西村", "五星村", "六合村", "七星村", "和平村", "同心村"],
    "正红镇": ["正红社区", "红东村", "红西村", "红南村", "红北村", "正东村", "正西村", "正南村"],
    "通榆镇": ["通榆社区", "榆东村", "榆西村", "榆南村", "榆北村", "通东村", "通西村", "通南村"],
    "界牌镇": ["界牌社区", "界东村", "界西村", "界南村", "界北村", "牌东村", "牌西村", "牌南村"],
    "滨海经济开发区": ["开发区社区", "沿海社区", "创业社区", "科技社区", "工业社区", "物流社区",
                     "商贸社区", "产业社区"],
    "滨海工业园区": ["园区社区", "化工社区", "能源社区", "新材社区", "东区社区", "西区社区",
                   "南区社区", "北区社区"],
    "滨海高新区": ["高新社区", "创新社区", "智造社区", "数字社区", "云谷社区"],
}
DONGLAN_VILLAGES = ["板逢村", "鸾坡村", "红里村", "弄竹村", "坤王村"]

OFFICERS = {
    "officer-binhai": [("滨海县总工会", "admin"), ("滨海县总工会", "approver")],
    "officer-changfa": [("长法村", "approver")],
    "officer-banfeng": [("板逢村", "approver")],
    "officer-luanpo": [("鸾坡村", "approver")],
    "officer-hongli": [("红里村", "approver")],
    "officer-nongzhu": [("弄竹村", "approver")],
    "officer-kunwang": [("坤王村", "approver")],
    "officer-donglan-town": [("东兰镇", "approver")],
    "officer-donglan-county": [("东兰县总工会", "approver")],
    "officer-guangxi": [("广西壮族自治区总工会", "admin"), ("广西壮族自治区总工会", "approver")],
    "officer-xining": [("西宁市总工会", "admin")],
    "officer-jingzhou": [("荆州市总工会", "admin")],
    "officer-weihai": [("威海市总工会", "admin"), ("威海市总工会", "approver")],
    "officer-shashi": [("沙市区总工会", "approver")],
}
NICKNAMES = {
    "demo-worker": "骑手小王", "demo-member": "于瑜", "officer-binhai": "滨海县总工会-张",
    "officer-changfa": "长法村工会-李", "officer-banfeng": "板逢村工会-韦",
    "officer-luanpo": "鸾坡村工会-蓝", "officer-hongli": "红里村工会-罗",
    "officer-nongzhu": "弄竹村工会-牙", "officer-kunwang": "坤王村工会-班",
    "officer-donglan-town": "东兰镇工会-黄", "officer-donglan-county": "东兰县总工会-覃",
    "officer-guangxi": "自治区总工会-陆", "officer-xining": "西宁市总工会-马",
    "officer-jingzhou": "荆州市总工会-田",
    "officer-weihai": "威海市总工会-孙", "officer-shashi": "沙市区总工会-刘",
}


def demo_id_number(region: str, born: str, sequence: int) -> str:
    """A syntactically valid ID number (fake person) for demo rows."""
    first17 = f"{region}{born}{sequence % 1000:03d}"
    return first17 + idcard.check_digit(first17)


def ensure_org(name: str, level: str, parent: Org | None, region_code: str | None = None) -> Org:
    parent_id = parent.id if parent else None
    org = db.session.scalar(select(Org).where(Org.name == name, Org.parent_id == parent_id
                                              if parent_id else Org.parent_id.is_(None)))
    if org is None:
        org = Org(name=name, level=level, parent_id=parent_id, region_code=region_code,
                  path="/pending/", depth=(parent.depth + 1) if parent else 0)
        db.session.add(org)
        db.session.flush()
        org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def ensure_user(name: str) -> User:
    openid = f"mock-{name}"
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, nickname=NICKNAMES.get(name, name))
        db.session.add(user)
        db.session.flush()
    return user


def build_tree() -> dict[str, Org]:
    orgs: dict[str, Org] = {}
    jiangsu = ensure_org("江苏省总工会", "province", None, "320000")
    yancheng = ensure_org("盐城市总工会", "city", jiangsu, "320900")
    binhai = ensure_org("滨海县总工会", "county", yancheng, "320922")
    orgs.update({o.name: o for o in (jiangsu, yancheng, binhai)})
    for town_name, villages in BINHAI_TOWNS.items():
        town = orgs[town_name] = ensure_org(town_name, "town", binhai)
        for village in villages:
            orgs[village] = ensure_org(village, "village", town)
    guangxi = ensure_org("广西壮族自治区总工会", "province", None, "450000")
    hechi = ensure_org("河池市总工会", "city", guangxi, "451200")
    donglan_county = ensure_org("东兰县总工会", "county", hechi, "451224")
    donglan_town = ensure_org("东兰镇", "town", donglan_county)
    orgs.update({o.name: o for o in (guangxi, hechi, donglan_county, donglan_town)})
    for village in DONGLAN_VILLAGES:
        orgs[village] = ensure_org(village, "village", donglan_town)
    qinghai = ensure_org("青海省总工会", "province", None, "630000")
    orgs["西宁市总工会"] = ensure_org("西宁市总工会", "city", qinghai, "630100")
    hubei = ensure_org("湖北省总工会", "province", None, "420000")
    orgs["荆州市总工会"] = ensure_org("荆州市总工会", "city", hubei, "421000")
    orgs.update({"青海省总工会": qinghai, "湖北省总工会": hubei})
    orgs.update(events_tree(hubei_city=orgs["荆州市总工会"]))
    # relief between unions (app/demo/benefits.py): Shaanxi gives to Gansu and Qinghai
    for name, code in (("陕西省总工会", "610000"), ("甘肃省总工会", "620000")):
        orgs[name] = ensure_org(name, "province", None, code)
    return orgs


def events_tree(hubei_city: Org) -> dict[str, Org]:
    """Weihai's lecture tree, Jingzhou's county and enterprise unions (点单), Huaying."""
    shandong = ensure_org("山东省总工会", "province", None, "370000")
    weihai = ensure_org("威海市总工会", "city", shandong, "371000")
    huancui = ensure_org("环翠区总工会", "county", weihai, "371002")
    shashi = ensure_org("沙市区总工会", "county", hubei_city, "421002")
    park = ensure_org("沙市经济开发区工会", "town", shashi)
    housekeeping = ensure_org("荆州巧姐家政服务公司工会", "village", park)
    sichuan = ensure_org("四川省总工会", "province", None, "510000")
    guang_an = ensure_org("广安市总工会", "city", sichuan, "511600")
    huaying = ensure_org("华蓥市总工会", "county", guang_an, "511681")
    return {o.name: o for o in (shandong, weihai, huancui, shashi, park, housekeeping,
                                sichuan, guang_an, huaying)}


def grant_officers(orgs: dict[str, Org]) -> None:
    for name, grants in OFFICERS.items():
        user = ensure_user(name)
        for org_name, role in grants:
            org = orgs[org_name]
            exists = db.session.scalar(select(OfficerRole.id).where(
                OfficerRole.user_id == user.id, OfficerRole.org_id == org.id,
                OfficerRole.role == role))
            if exists is None:
                db.session.add(OfficerRole(user_id=user.id, org_id=org.id, role=role))


def add_membership(user: User, org: Org, *, name: str, id_number: str, industry: str,
                   occupation: str, employer: str, status: str, days_ago: int) -> None:
    number_hash = keyed_hash(id_number)
    if db.session.scalar(select(Membership.id).where(Membership.id_number_hash == number_hash)):
        return
    created = utcnow() - timedelta(days=days_ago)
    membership = Membership(
        user_id=user.id, org_id=org.id, real_name=name, id_number=id_number,
        id_number_hash=number_hash, employer=employer, occupation=occupation,
        industry=industry, status=status, version=1 if status == "pending" else 2,
        created_at=created, decided_at=created + timedelta(days=1) if status != "pending"
        else None,
    )
    db.session.add(membership)
    db.session.flush()
    if status == "pending":
        todos.open_todo(
            kind="membership", object_id=membership.id, org_id=org.id, org_path=org.path,
            role="approver", title=f"入会申请：{name}", version=1, waiting_since=created,
            summary=f"{org.name} · {code_label(INDUSTRIES, industry)} · {occupation}",
            action=f"/api/v1/memberships/{membership.id}/decision",
        )


PENDING_APPLICANTS = [
    ("changfa-rider", "周强", "长法村", "food_delivery", "骑手", "美团"),
    ("changfa-courier", "吴敏", "长法村", "express_delivery", "快递员", "中通快递"),
    ("kanbei-driver", "郑涛", "坎北社区", "ride_hailing", "网约车司机", "滴滴出行"),
    ("banfeng-freight", "韦华", "板逢村", "freight", "货车司机", "货拉拉"),
]


def add_members(orgs: dict[str, Org]) -> None:
    member = ensure_user("demo-member")
    ensure_user("demo-worker")
    add_membership(member, orgs["长法村"], name="于瑜", industry="other", occupation="职工",
                   employer="长法村文艺队", status="approved", days_ago=200,
                   id_number=demo_id_number("320922", "19880612", 11))
    for index, (name, real_name, org_name, industry, occupation, employer) in enumerate(
            PENDING_APPLICANTS):
        add_membership(ensure_user(name), orgs[org_name], name=real_name, industry=industry,
                       occupation=occupation, employer=employer, status="pending",
                       days_ago=3 - index % 3,
                       id_number=demo_id_number("320922", f"1995030{index + 1}", 100 + index))


def load_orgs_and_accounts() -> dict[str, int]:
    orgs = build_tree()
    grant_officers(orgs)
    add_members(orgs)
    db.session.commit()
    return {"orgs": db.session.query(Org).count(), "officers": len(OFFICERS)}
