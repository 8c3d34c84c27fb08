// An article's body: the HTML the API rendered from its Markdown and sanitized, shown like a message's HTML (cleaned
// again, in a sandboxed frame that runs nothing: shared/EmailHtml).
import { EmailHtml } from '../shared/EmailHtml';
import type { Article } from '../api';

export function ArticleBody({ article }: { article: Pick<Article, 'html' | 'title'> }) {
  return <EmailHtml html={article.html} title={article.title} testId="article-html" />;
}
