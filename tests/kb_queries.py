"""The labelled query set: questions people actually type, each with the seeded article (infra/seed/kb.py) that
answers it. Paraphrases, reordered words, colloquial questions with particles and filler, and mixed Chinese and
English. Used by tests/unit/test_kb_recall.py (recall@5 of the engine, the substring baseline beside it) and by
bench/search.py.
"""

from __future__ import annotations

LABELLED: list[tuple[str, str]] = [
    # paraphrases and reordered words
    ("重置密码", "reset-password"),
    ("密码重置", "reset-password"),
    ("我的密码怎么重置", "reset-password"),
    ("忘记密码了怎么办", "reset-password"),
    ("登录密码忘了", "reset-password"),
    ("验证码收不到", "sms-code"),
    ("手机收不到短信验证码", "sms-code"),
    ("为什么我一直收不到验证码啊", "sms-code"),
    ("换手机号了怎么改绑定", "change-phone"),
    ("修改绑定手机号", "change-phone"),
    ("账号被锁了", "account-locked"),
    ("账户冻结怎么解冻", "account-locked"),
    ("企业微信扫码登不上", "wecom-login"),
    ("扫二维码登录失败", "wecom-login"),
    # mixed Chinese and English
    ("VPN 连不上", "vpn-connect"),
    ("vpn连接失败", "vpn-connect"),
    ("在家用VPN连不了公司网络", "vpn-connect"),
    ("wifi 老掉线", "wifi-slow"),
    ("办公室WiFi网速太慢了", "wifi-slow"),
    ("邮箱收不到邮件", "email-setup"),
    ("手机上怎么配置企业邮箱", "email-setup"),
    ("发票抬头开错了", "invoice-title"),
    ("税号填错了能重开发票吗", "invoice-title"),
    ("发票开错了怎么办", "invoice-title"),
    ("怎么开增值税专用发票", "vat-invoice"),
    ("专票怎么申请", "vat-invoice"),
    ("电子发票去哪下载", "e-invoice"),
    ("下载电子发票PDF", "e-invoice"),
    ("怎么关闭自动续费", "auto-renew"),
    ("不想续费了 取消订阅", "auto-renew"),
    ("退款多久到账", "refund-time"),
    ("退款还没到账", "refund-time"),
    ("钱退了几天能到", "refund-time"),
    ("被扣了两次钱", "duplicate-charge"),
    ("重复扣款", "duplicate-charge"),
    ("买的东西想退货", "return-goods"),
    ("怎么换货", "return-goods"),
    ("打印机连不上", "printer"),
    ("点了打印没反应", "printer"),
    ("printer 驱动怎么装", "printer"),
    ("打印机又卡纸了", "paper-jam"),
    ("电脑蓝屏了", "blue-screen"),
    ("电脑老是死机", "blue-screen"),
    ("app 闪退", "app-crash"),
    ("客户端打不开一直白屏", "app-crash"),
    ("怎么导出报表", "export-data"),
    ("数据导出成Excel", "export-data"),
    ("添加子账号", "sub-accounts"),
    ("怎么给同事开账号设置权限", "sub-accounts"),
]

# Queries of stop words and filler only: they must find nothing rather than everything.
STOP_ONLY = ["的了吗", "怎么办呢", "请问一下", "你好 谢谢"]
