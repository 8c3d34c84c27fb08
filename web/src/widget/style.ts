// The widget's styles, scoped by its shadow root.
export const STYLE = `
:host{all:initial;font:14px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f1f1f}
.hdw-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;background:#1677ff;color:#fff;font:inherit;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.2)}
.hdw-float{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 100px)}
.hdw-window{display:flex;flex-direction:column;height:100%;min-height:420px;background:#fff;border:1px solid #e5e5e5;border-radius:8px;overflow:hidden;box-shadow:0 6px 24px rgba(0,0,0,.15)}
.hdw-head{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#1677ff;color:#fff;font-weight:600}
.hdw-x{border:0;background:none;color:#fff;font-size:20px;cursor:pointer;line-height:1}
.hdw-body{flex:1;display:flex;flex-direction:column;min-height:0;padding:10px;gap:8px}
.hdw-form{display:flex;flex-direction:column;gap:8px}
.hdw-intro{margin:0;color:#595959}
.hdw-input{font:inherit;padding:6px 8px;border:1px solid #d9d9d9;border-radius:6px;resize:vertical}
.hdw-primary{font:inherit;padding:6px 14px;border:0;border-radius:6px;background:#1677ff;color:#fff;cursor:pointer}
.hdw-link{font:inherit;border:0;background:none;color:#8c8c8c;cursor:pointer;align-self:flex-end;font-size:12px}
.hdw-error{color:#cf1322;font-size:13px}
.hdw-log{flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px;min-height:0}
.hdw-msg{max-width:80%;padding:6px 10px;border-radius:8px;background:#f5f5f5;white-space:pre-wrap;word-break:break-word}
.hdw-visitor{align-self:flex-end;background:#e6f4ff}
.hdw-who{font-size:12px;color:#8c8c8c}
.hdw-status{font-size:12px;color:#595959}
.hdw-typing{font-size:12px;color:#8c8c8c;min-height:1em}
.hdw-composer{display:flex;gap:6px;align-items:flex-end}
.hdw-line{flex:1}
`;
