"""Charsets as Chinese, Taiwanese and Japanese mail clients really send them: every case decodes exactly."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest

from shared.domain.mail.charsets import (
    codecs_for,
    decode_base64,
    decode_header,
    decode_text,
    header_parameters,
)
from shared.domain.mail.parsing import ParsedMail, parse_mail
from shared.domain.mail.problems import ProblemKind

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
GBK_ONLY = "王喆和李堃的订单（陈镕转交）"  # 喆, 堃 and 镕 are in GBK but not in GB2312


def corpus(name: str) -> ParsedMail:
    return parse_mail((CORPUS_DIR / name).read_bytes())


def b_word(text: str, label: str, codec: str | None = None) -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode(codec or label)).decode()}?="


def test_the_characters_really_are_outside_gb2312():
    for character in "喆堃镕":
        with pytest.raises(UnicodeEncodeError):
            character.encode("gb2312")


def test_gbk_subject_labelled_gb2312_decodes_exactly():
    assert decode_header(b_word(GBK_ONLY, "gb2312", "gbk")).text == GBK_ONLY
    parsed = corpus("12_gbk_labelled_gb2312.eml")
    assert parsed.subject == GBK_ONLY
    assert parsed.sender is not None and parsed.sender.name == "王喆"
    assert parsed.text == "您好：\n\n我是王喆，订单由陈镕转交给李堃处理，请尽快回复。"
    assert parsed.problems == []


@pytest.mark.parametrize(
    "label", ["gb2312", "GB2312", '"gb2312"', "GB_2312-80", "x-gbk", "GBK", "cp936", "EUC-CN", "csGB2312", "gb18030"]
)
def test_every_gb_label_reads_as_gb18030(label: str):
    assert codecs_for(label) == ("gb18030",)
    decoded = decode_text(GBK_ONLY.encode("gbk"), label)
    assert (decoded.text, decoded.problems) == (GBK_ONLY, ())


def test_gb18030_four_byte_characters_decode():
    text = "𠀀 and €"  # outside GBK: four-byte sequences
    assert decode_text(text.encode("gb18030"), "gb2312").text == text


def test_big5_labelled_hkscs_text_decodes_as_big5hkscs():
    text = "我嘅訂單仲未收到，佢哋話咗啲問題。"
    with pytest.raises(UnicodeEncodeError):
        text.encode("big5")
    decoded = decode_text(text.encode("big5hkscs"), "big5")
    assert (decoded.text, decoded.charset) == (text, "big5hkscs")
    parsed = corpus("13_big5_hkscs.eml")
    assert parsed.subject == "查詢：訂單狀態"
    assert parsed.sender is not None and parsed.sender.name == "陳大文"
    assert parsed.text == "我嘅訂單仲未收到，佢哋話咗啲問題。\n\n陳大文"


def test_plain_big5_stays_big5():
    decoded = decode_text("臺灣客服中心".encode("big5"), "big5")
    assert (decoded.text, decoded.charset) == ("臺灣客服中心", "big5")


def test_iso_2022_jp_subject_and_body():
    parsed = corpus("14_iso2022jp.eml")
    assert parsed.subject == "お問い合わせ：注文について"
    assert parsed.sender is not None and parsed.sender.name == "山田太郎"
    assert parsed.text == "お世話になっております。\n注文番号12345の配送状況を教えてください。"


def test_unlabelled_iso_2022_jp_is_recognized_by_its_escapes():
    assert decode_text("お問い合わせ".encode("iso2022_jp"), None).text == "お問い合わせ"


def test_encoded_words_split_inside_a_multibyte_character_are_joined_first():
    data = "客服中心".encode()
    split = f"=?UTF-8?B?{base64.b64encode(data[:4]).decode()}?=\r\n =?utf-8?B?{base64.b64encode(data[4:]).decode()}?="
    assert decode_header(split).text == "客服中心"
    gbk = GBK_ONLY.encode("gbk")
    split_gbk = f"=?gb2312?B?{base64.b64encode(gbk[:5]).decode()}?= =?GB2312?B?{base64.b64encode(gbk[5:]).decode()}?="
    assert decode_header(split_gbk).text == GBK_ONLY


def test_whitespace_between_encoded_words_is_dropped_but_text_between_them_is_kept():
    assert decode_header("=?utf-8?Q?a?=  \r\n\t =?utf-8?Q?b?=").text == "ab"
    assert decode_header("=?utf-8?Q?a?= and =?utf-8?Q?b?=").text == "a and b"
    assert decode_header("Re: =?utf-8?B?5L2g5aW9?= (2)").text == "Re: 你好 (2)"


def test_q_encoding_and_underscores():
    assert decode_header("=?utf-8?Q?caf=C3=A9_au_lait?=").text == "café au lait"


def test_base64_split_across_words_mid_quantum():
    encoded = base64.b64encode("发票抬头修改".encode()).decode()
    assert decode_header(f"=?utf-8?B?{encoded[:5]}?= =?utf-8?B?{encoded[5:]}?=").text == "发票抬头修改"


def test_gbk_bytes_under_a_utf8_label_decode_exactly_with_a_problem():
    decoded = decode_header(b_word("退款申请（喆）", "utf-8", "gbk"))
    assert decoded.text == "退款申请（喆）"
    assert [problem.kind for problem in decoded.problems] == [ProblemKind.MISLABELLED_CHARSET]


def test_gbk_bytes_under_a_latin1_label_decode_as_gbk():
    data = "陈镕".encode("gbk")
    word = "=?iso-8859-1?Q?" + "".join(f"={b:02X}" for b in data) + "?="
    assert decode_header(word).text == "陈镕"


def test_real_latin1_stays_latin1():
    assert decode_header("=?iso-8859-1?Q?caf=E9_M=FCller?=").text == "café Müller"
    assert decode_text("Grüße aus München".encode("latin-1"), "iso-8859-1").text == "Grüße aus München"


def test_utf8_under_a_latin1_label_is_read_as_utf8():
    assert decode_text("中文 café".encode(), "us-ascii").text == "中文 café"


def test_wrong_labels_in_the_corpus():
    parsed = corpus("16_wrong_charset_labels.eml")
    assert parsed.sender is not None and parsed.sender.name == "陈镕"
    assert [a.name for a in parsed.to] == ["客服"]
    assert parsed.subject == "退款申请（喆）"
    assert parsed.text == "标签写着 UTF-8，实际是 GBK：堃。"
    assert ProblemKind.MISLABELLED_CHARSET in {problem.kind for problem in parsed.problems}


def test_unknown_charsets_fall_back_and_say_so():
    decoded = decode_text("未知字符集".encode(), "x-user-charset-9")
    assert decoded.text == "未知字符集"
    assert [problem.kind for problem in decoded.problems] == [ProblemKind.UNKNOWN_CHARSET]
    assert decode_header("=?bogus?B?" + base64.b64encode("中文".encode("gbk")).decode() + "?=").text == "中文"
    parsed = corpus("17_unknown_charset.eml")
    assert parsed.text == "未知字符集标签，内容是 UTF-8。"
    assert parsed.html == "<p>网页里声明的是 GBK：喆</p>"  # charset from <meta> when the part names none


def test_raw_8bit_gbk_headers_and_body():
    parsed = corpus("15_raw_8bit_headers.eml")
    assert parsed.subject == "关于王喆的退款申请"
    assert parsed.sender is not None and (parsed.sender.email, parsed.sender.name) == ("wangzhe@example.cn", "王喆")
    assert [a.name for a in parsed.to] == ["客服中心"]
    assert parsed.text == "申请退款，订单号 20240504001。"


def test_raw_8bit_utf8_header():
    parsed = parse_mail("Subject: 直接写的 UTF-8 主题\r\nFrom: 张三 <zs@example.cn>\r\n\r\nx".encode())
    assert parsed.subject == "直接写的 UTF-8 主题"
    assert parsed.sender is not None and parsed.sender.name == "张三"


def test_utf8_wins_over_gbk_for_unlabelled_bytes():
    assert decode_text("中文".encode(), None).charset == "utf-8"
    assert decode_text("中文".encode("gbk"), None).charset == "gb18030"


def test_bytes_nothing_decodes_are_replaced_as_a_last_resort():
    decoded = decode_text(b"ok \xff\xfe\xff end", "utf-8")
    assert decoded.text.startswith("ok ") and decoded.text.endswith(" end") and "\ufffd" in decoded.text
    assert ProblemKind.UNDECODABLE_PART in {problem.kind for problem in decoded.problems}


def test_a_utf8_bom_is_dropped():
    assert decode_text("\ufeff你好".encode(), "utf-8").text == "你好"


# -- RFC 2231 ---------------------------------------------------------------------------------------------------------


def test_rfc2231_continuations_with_charset():
    header = header_parameters(
        "attachment;\r\n filename*0*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95;\r\n filename*1*=%EF%BC%882024%EF%BC%89.pdf"
    )
    assert header.value == "attachment"
    assert header.get("filename") == "报价单（2024）.pdf"


def test_rfc2231_with_language_and_gb_label():
    name = "喆堃.doc"
    header = header_parameters(f"attachment; filename*=gb2312'zh-cn'{quote(name.encode('gbk'))}")
    assert header.get("filename") == name


def test_rfc2231_unencoded_continuations():
    header = header_parameters('attachment; filename*0="very long "; filename*1="name.txt"')
    assert header.get("filename") == "very long name.txt"


def test_rfc2231_form_wins_over_the_plain_one():
    header = header_parameters("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf")
    assert header.get("filename") == "合同.pdf"


def test_rfc2047_inside_a_quoted_parameter():
    header = header_parameters(f'application/pdf; name="{b_word("发票.pdf", "gb2312", "gbk")}"')
    assert (header.value, header.get("name")) == ("application/pdf", "发票.pdf")


def test_parameters_keep_quoted_semicolons_and_escapes():
    header = header_parameters(r'attachment; filename="a;b \"c\".txt"; size=12')
    assert header.params == {"filename": 'a;b "c".txt', "size": "12"}


def test_a_gbk_backslash_byte_in_a_raw_quoted_name_is_not_an_escape():
    name = "誠信報告.xls"  # 誠 is 0xD5 0x5C in GBK: its second byte is a backslash
    data = name.encode("gbk")
    raw = b'attachment; filename="' + data + b'"'
    assert header_parameters(raw.decode("utf-8", errors="surrogateescape")).get("filename") == name


def test_lenient_base64():
    assert decode_base64(b"5Lit5paH") == ("中文".encode(), True)
    assert decode_base64(b"5Lit\r\n5paH\r\n") == ("中文".encode(), True)
    data, ok = decode_base64(b"5Lit5pa")
    assert data.startswith("中".encode()) and not ok
    data, ok = decode_base64(b"5Lit5paH5")
    assert data == "中文".encode() and not ok
