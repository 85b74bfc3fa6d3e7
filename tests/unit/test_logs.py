import logging

from loa.logs import _ArticleContext, bind_article


def test_log_records_name_the_bound_article() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    f = _ArticleContext()
    f.filter(record)
    assert record.__dict__["article"] == "-"
    with bind_article("abc123"):
        f.filter(record)
        assert record.__dict__["article"] == "abc123"
    f.filter(record)
    assert record.__dict__["article"] == "-"
