"""The seed plan's key industries (重点产业: 智慧城市(新一代人工智能)、大健康、电子信息, 二(一) and 二(二)),
which the talent map calls clusters. The plan names them but does not say which 国民经济行业 codes
belong to each: the prefixes below are our reading (unverified), kept as data in one place."""

CLUSTERS = (
    ("智慧城市(新一代人工智能)", ("651", "653", "654", "655", "656", "645", "3491", "396")),
    ("大健康", ("27", "358", "734", "84", "7244")),
    ("电子信息", ("652", "39")),
)
OTHER = "其他"
VERIFIED = False


def cluster_of(industry_code: str | None) -> str:
    for name, prefixes in CLUSTERS:
        if industry_code and industry_code.startswith(prefixes):
            return name
    return OTHER
