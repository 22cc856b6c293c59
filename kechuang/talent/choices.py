from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Education(models.TextChoices):
    """The highest degree or schooling, in the order the education pyramid stacks them."""

    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    VOCATIONAL = "vocational", "中专及技工院校"
    OTHER = "other", "其他"


class Title(models.TextChoices):
    """专业技术职称 (or the equivalent skill grade, e.g. 高级技师 for 正高级)."""

    SENIOR = "senior", "正高级"
    ASSOCIATE = "associate", "副高级"
    INTERMEDIATE = "intermediate", "中级"
    JUNIOR = "junior", "初级"
    NONE = "none", "无"


class Mode(models.TextChoices):
    FULL_TIME = "full_time", "全职"
    FLEXIBLE = "flexible", "柔性"


class SensitiveField(models.TextChoices):
    ID_NUMBER = "id_number", "身份证号"
    PHONE = "phone", "手机号"


class ConsentForm(models.TextChoices):
    """个人信息保护法 第二十九条: 单独同意, and 书面同意 where a law or regulation asks for it."""

    SEPARATE = "separate", "单独同意"
    WRITTEN = "written", "书面同意"


class EditionState(models.TextChoices):
    COLLECTING = "collecting", "征集需求"
    PUBLISHED = "published", "已发布"


class Scarcity(models.TextChoices):
    NORMAL = "normal", "一般"
    SCARCE = "scarce", "紧缺"
    VERY_SCARCE = "very_scarce", "特别紧缺"
