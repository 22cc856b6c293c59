from kechuang.cultivation.templatetags.cultivation import source_label


def test_every_kind_of_data_source_is_named_in_chinese():
    assert source_label("years.rd_expense / years.sales_revenue") == "研发费用 / 销售收入"
    assert source_label("ip") == "知识产权"
    assert source_label("flags.major_incident") == "重大安全、质量事故或严重环境违法"
    assert source_label("expert") == "专家评审"
    assert source_label("") == "—"
