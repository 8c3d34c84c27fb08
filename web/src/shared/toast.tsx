import message from 'antd/es/message';
import { createContext, useContext, type ReactNode } from 'react';

// antd's message through its hook (so it follows the ConfigProvider's theme and locale), without pulling in
// antd's <App> and with it Modal and Notification, which the initial chunks do not need.
type Toast = { success: (text: string) => void; error: (text: string) => void; info: (text: string) => void };

const noop: Toast = { success: () => {}, error: () => {}, info: () => {} };
const ToastContext = createContext<Toast>(noop);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [api, holder] = message.useMessage();
  const toast: Toast = {
    success: (text) => void api.success(text),
    error: (text) => void api.error(text),
    info: (text) => void api.info(text),
  };
  return (
    <ToastContext.Provider value={toast}>
      {holder}
      {children}
    </ToastContext.Provider>
  );
}

export function useToast(): Toast {
  return useContext(ToastContext);
}
