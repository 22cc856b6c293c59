"""Made-up people, brands and phone numbers for the demo district. Only demo builders import this: no
production code invents a name."""
from __future__ import annotations

import random

BRAND_CHARS = "华智瑞博泰康海恒远德信鑫源宇创新达安辰星云睿思融晟凯航元易鼎中盛和嘉诚卓越启明正天峰驰"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰新宇浩然晨阳欣怡子轩梓涵"
COMMON_SURNAMES = SURNAMES[:10]


def brand(rng: random.Random) -> str:
    """The two-character short name a firm puts on its products."""
    return "".join(rng.sample(BRAND_CHARS, 2))


def person(rng: random.Random) -> str:
    """A full Chinese name, surname first."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))


def addressed_contact(rng: random.Random, titles: tuple[str, ...]) -> str:
    """A contact as a listing names one: surname and form of address (王老师, 李经理)."""
    return rng.choice(COMMON_SURNAMES) + rng.choice(titles)


def phone(rng: random.Random) -> str:
    """A Tianjin landline or a mobile number, half and half."""
    if rng.random() < 0.5:
        return landline(rng)
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def landline(rng: random.Random) -> str:
    return f"022-{rng.choice(('6620', '6732', '6698', '5981', '2530'))}{rng.randint(0, 9999):04d}"


def mobile(rng: random.Random) -> str:
    return f"1{rng.randint(3000000000, 8999999999)}"
