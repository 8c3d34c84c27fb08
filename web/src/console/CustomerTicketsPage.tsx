// 客户的工单: every ticket one customer opened (GET /api/tickets?view=requested&requester=<email>), newest first.
// Reached from the header search (an email) or the requester on a ticket page. Lazy-loaded.
import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../api';
import { Muted } from '../shared/ui';
import { QueueFooter, StatusPriorityFilters, TicketTable, useListFilters, useTicketPages } from './QueuePage';

export default function CustomerTicketsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const email = (params.email ?? '').trim().toLowerCase();
  const { status, priority, toggle } = useListFilters();

  const filterKey = { view: 'requested' as const, requester: email, status, priority };
  const { query, tickets, openAt } = useTicketPages(filterKey, { enabled: email !== '' });

  const name = tickets.find((tk) => tk.requester?.name)?.requester?.name;
  const filtered = status.length > 0 || priority.length > 0;
  const badEmail = isApiError(query.error) && query.error.code === 'validation_error' && query.error.field === 'requester';

  function newTicket() {
    const prefill = new URLSearchParams({ requester: email });
    if (name) prefill.set('name', name);
    navigate(`/console/new?${prefill.toString()}`);
  }

  return (
    <div data-testid="customer-tickets" data-email={email}>
      <div style={{ marginBottom: 8 }}>
        <Link to="/console/queue/mine">
          <ArrowLeftOutlined /> {t('ticket.backToQueue')}
        </Link>
      </div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', marginBottom: 12 }}>
        <h2
          style={{ margin: 0, fontSize: 20, fontWeight: 600, lineHeight: 1.4, wordBreak: 'break-all' }}
          data-testid="customer-title"
        >
          {t('customer.title', { email })}
        </h2>
        {name ? <Muted testId="customer-name">{name}</Muted> : null}
        {!badEmail ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            style={{ marginLeft: 'auto' }}
            onClick={newTicket}
            data-testid="customer-new-ticket"
          >
            {t('customer.newTicket')}
          </Button>
        ) : null}
      </div>
      <div className="hd-filters">
        <StatusPriorityFilters
          status={status}
          priority={priority}
          onToggleStatus={(st) => toggle('status', status, st)}
          onTogglePriority={(p) => toggle('priority', priority, p)}
        />
      </div>
      {query.isError ? (
        <Alert
          type="error"
          showIcon
          title={badEmail ? t('customer.invalidEmail', { email }) : query.error.message}
          style={{ marginBottom: 12 }}
          data-testid="customer-error"
        />
      ) : null}
      <TicketTable
        tickets={tickets}
        query={query}
        testId="customer-table"
        emptyTestId="customer-empty"
        emptyText={filtered ? t('console.empty') : t('customer.empty')}
        rowTestIdPrefix="customer-ticket-row-"
        onOpen={openAt}
      />
      <QueueFooter count={tickets.length} countTestId="customer-count" loadMoreTestId="customer-load-more" query={query} />
    </div>
  );
}
