// The widget's words, zh-CN first and English. Kept here (not in the SPA's i18next files) so /widget.js stays small.

const zh = {
  open: '在线客服',
  close: '关闭',
  title: '在线客服',
  intro: '您好！请留下称呼和问题，客服会尽快回复。',
  name: '您的称呼',
  email: '邮箱（选填，用于接收回复和聊天记录）',
  firstText: '请描述您的问题',
  start: '开始咨询',
  placeholder: '输入消息，回车发送',
  send: '发送',
  end: '结束对话',
  again: '发起新的咨询',
  you: '我',
  agent: '客服',
  typing: '客服正在输入…',
  started: '已为您创建工单 {n}，正在为您接入客服…',
  queue: '客服正忙，您前面还有 {n} 位，请稍候。',
  assigned: '客服 {n} 正在为您服务。',
  offline: '当前没有客服在线。您的问题已记录，我们会通过邮件回复您。',
  ended: '对话已结束，感谢您的咨询。',
  reconnecting: '连接已断开，正在重新连接…',
  unreachable: '暂时无法连接在线客服，请稍后再试。',
  needName: '请填写您的称呼',
  needText: '请填写您的问题',
  err_invalid_text: '消息不能为空，且不能超过 4000 字。',
  err_invalid_name: '称呼无效，请重新填写。',
  err_invalid_email: '邮箱地址无效，请检查。',
  err_invalid_conversation: '无法继续之前的对话，请发起新的咨询。',
  err_rate_limited: '发送太频繁，请稍后再试。',
  err_frame_too_large: '消息太长，请分几次发送。',
  err_other: '出错了：{n}',
};

export type Words = typeof zh;

const en: Words = {
  open: 'Chat with us',
  close: 'Close',
  title: 'Live chat',
  intro: 'Hello! Tell us your name and your question; an agent will answer shortly.',
  name: 'Your name',
  email: 'Email (optional, for replies and the transcript)',
  firstText: 'Your question',
  start: 'Start chat',
  placeholder: 'Type a message, Enter to send',
  send: 'Send',
  end: 'End chat',
  again: 'Start a new chat',
  you: 'You',
  agent: 'Agent',
  typing: 'The agent is typing…',
  started: 'Ticket {n} is open; connecting you to an agent…',
  queue: 'All agents are busy; {n} ahead of you. Please wait.',
  assigned: '{n} is answering you.',
  offline: 'No agent is online right now. Your question is recorded and we will answer by email.',
  ended: 'The chat has ended. Thank you.',
  reconnecting: 'Connection lost, reconnecting…',
  unreachable: 'Live chat cannot be reached right now. Please try again later.',
  needName: 'Please tell us your name',
  needText: 'Please write your question',
  err_invalid_text: 'A message cannot be empty or longer than 4,000 characters.',
  err_invalid_name: 'That name cannot be used.',
  err_invalid_email: 'That email address is not valid.',
  err_invalid_conversation: 'The earlier chat cannot be continued; please start a new one.',
  err_rate_limited: 'Too many messages; please wait a moment.',
  err_frame_too_large: 'That message is too long; please split it.',
  err_other: 'Something went wrong: {n}',
};

/** zh-CN unless the language asked for (data-lang, else the browser's) is English or another non-Chinese one. */
export function words(lang: string | null | undefined): Words {
  const l = (lang ?? '').toLowerCase();
  return l === '' || l.startsWith('zh') ? zh : en;
}

export function fill(template: string, value: string | number): string {
  return template.replace('{n}', String(value));
}
