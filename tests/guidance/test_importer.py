import pytest

from bot.guidance.importer import NotATextFile, RejectReason, binary_kind, parse_keyword_file


def reasons(preview):
    return {row.text: row.reason for row in preview.rejected}


def test_plain_list_skips_comments_and_blank_lines():
    preview = parse_keyword_file("# my list\n\n锄禾日当午\n  Tank Man  \n".encode())
    assert preview.format == "list"
    assert preview.terms == ("锄禾日当午", "tank man")
    assert preview.rejected == ()


def test_bad_rows_are_rejected_with_a_reason():
    preview = parse_keyword_file("習近平\n习近平\n习\nxi\n日本\n公司\n" .encode() + ("长" * 60).encode())
    assert preview.terms == ("习近平",)
    assert reasons(preview) == {
        "习近平": RejectReason.DUPLICATE,
        "习": RejectReason.TOO_SHORT,
        "xi": RejectReason.TOO_SHORT,
        "日本": RejectReason.COMMON_WORD,
        "公司": RejectReason.COMMON_WORD,
        "长" * 60: RejectReason.TOO_LONG,
    }
    assert preview.counts() == {
        "accepted": 1, "rejected": 6, "duplicate": 1, "too_short": 2, "common_word": 2, "too_long": 1,
    }


def test_undecodable_line_is_rejected_and_the_rest_kept():
    data = "锄禾日当午\n".encode() + b"\xff\xfe\xfd\xc3\n" + "汗滴禾下土\n".encode()
    preview = parse_keyword_file(data)
    assert preview.encoding == "utf-8"
    assert preview.terms == ("锄禾日当午", "汗滴禾下土")
    [row] = preview.rejected
    assert (row.line, row.reason) == (2, RejectReason.UNDECODABLE)


def test_gb18030_file_is_decoded():
    preview = parse_keyword_file("锄禾日当午\n汗滴禾下土\n".encode("gb18030"))
    assert preview.encoding == "gb18030"
    assert preview.terms == ("锄禾日当午", "汗滴禾下土")


def test_utf8_bom_and_utf16_are_decoded():
    assert parse_keyword_file(b"\xef\xbb\xbf" + "锄禾日当午\n".encode()).terms == ("锄禾日当午",)
    assert parse_keyword_file("锄禾日当午\r\n".encode("utf-16")).terms == ("锄禾日当午",)


def test_research_list_csv_uses_the_keyword_column():
    csv_text = (
        "\ufeffKeyword,Machine translation,Human translation (if necessary),Notes,Category\n"
        "锄禾日当午,Hoeing at noon,,a poem line,Poetry\n"
        '"自由门 翻墙","Freegate, wall",,two parts,Circumvention\n'
        ",empty keyword,,,\n"
        "日本,Japan,,,Countries\n"
    )
    preview = parse_keyword_file(csv_text.encode())
    assert preview.format == "csv"
    assert preview.term_column == "Keyword"
    assert preview.terms == ("锄禾日当午", "自由门 + 翻墙")
    assert [t.category for t in preview.accepted] == ["Poetry", "Circumvention"]
    assert [t.parts for t in preview.accepted][1] == ("自由门", "翻墙")
    assert sorted(r.reason for r in preview.rejected) == [RejectReason.COMMON_WORD, RejectReason.EMPTY]


def test_csv_with_id_column_first_picks_the_word_column():
    csv_text = "word_id,word,human_translation,pinyin,category\n1,汗滴禾下土,sweat,han di,Poetry\n"
    preview = parse_keyword_file(csv_text.encode())
    assert preview.term_column == "word"
    assert preview.terms == ("汗滴禾下土",)


def test_terms_already_in_the_catalogue_are_reported():
    preview = parse_keyword_file("六四\n锄禾日当午\n".encode(), existing_terms=["六四"])
    assert preview.terms == ("锄禾日当午",)
    assert reasons(preview) == {"六四": RejectReason.ALREADY_LISTED}


def test_mixed_latin_and_chinese_cell_keeps_latin_phrase_together():
    preview = parse_keyword_file("Winnie the Pooh 习近平\n".encode())
    assert preview.accepted[0].parts == ("winnie the pooh", "习近平")


@pytest.mark.parametrize(("data", "kind"), [
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF\0", "JPEG"),
    (b"GIF89a\x01\0\x01\0", "GIF"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04\x14\0\x06\0[Content_Types].xml", "ZIP"),  # .xlsx
    (b"\x1f\x8b\x08\0\0\0\0\0", "GZIP"),
    ("习近平\n".encode() + b"\0\0\0" + "翻墙\n".encode(), "binary"),  # a NUL byte anywhere early
])
def test_binary_files_are_refused_whole(data, kind):
    assert binary_kind(data) == kind
    with pytest.raises(NotATextFile) as refused:
        parse_keyword_file(data)
    assert refused.value.kind == kind


def test_utf16_text_with_nul_bytes_is_still_text():
    data = "\ufeff草泥马\n河蟹\n".encode("utf-16-le")
    assert binary_kind(b"\xff\xfe" + data[2:]) is None
    assert parse_keyword_file("草泥马\n河蟹\n".encode("utf-16")).terms == ("草泥马", "河蟹")
