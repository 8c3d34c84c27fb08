"""The WeChat Official Account (公众号) channel's pure parts: protocol, encryption, followers (docs/wechat.md)."""
