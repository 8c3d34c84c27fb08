import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  addFollower,
  addSubtask,
  answerCollaboration,
  listCollaborations,
  listSubtasks,
  patchSubtask,
  removeFollower,
  requestCollaboration,
  type Collaboration,
  type SubTask,
  type Ticket,
} from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { formatTime } from '../../shared/format';
import { agentName, qk, teamName, useAgents, useTeams } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Muted } from '../../shared/ui';

const subtasksKey = (id: string) => ['subtasks', id] as const;
const collaborationsKey = (id: string) => ['collaborations', id] as const;

/** A local date-time input's value ("2026-11-23T18:00") as an ISO time with the browser's offset. */
function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** Followers, the sub-task checklist (子任务) and collaboration requests (协作请求) of a ticket. */
export default function CollaborationPanel({ ticket, onTicket }: { ticket: Ticket; onTicket: (t: Ticket) => void }) {
  return (
    <div data-testid="collab-panel">
      <Followers ticket={ticket} onTicket={onTicket} />
      <SubTasks ticket={ticket} />
      <Collaborations ticket={ticket} />
    </div>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <div data-testid={testId} style={{ marginBottom: 16 }}>
      <Typography.Text strong style={{ display: 'block', marginBottom: 6 }}>
        {title}
      </Typography.Text>
      {children}
    </div>
  );
}

function Followers({ ticket, onTicket }: { ticket: Ticket; onTicket: (t: Ticket) => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const agents = useAgents();
  const followers = ticket.followers ?? [];
  const change = useMutation({
    mutationFn: ({ email, add }: { email: string; add: boolean }) =>
      add ? addFollower(ticket.id, email) : removeFollower(ticket.id, email),
    onSuccess: onTicket,
    onError: (e) => toast.error(e.message),
  });
  const choices = (agents.data ?? []).filter((a) => !followers.includes(a.email));
  return (
    <Section title={t('collab.followers')} testId="followers">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginBottom: 6 }}>
        {followers.length === 0 ? <Muted>{t('collab.noFollowers')}</Muted> : null}
        {followers.map((email) => (
          <Tag
            key={email}
            closable={ticket.status !== 'closed'}
            data-testid={`follower-${email}`}
            onClose={(e) => {
              e.preventDefault();
              change.mutate({ email, add: false });
            }}
          >
            {agentName(agents.data, email)}
          </Tag>
        ))}
      </div>
      {ticket.status !== 'closed' ? (
        <Select
          size="small"
          style={{ width: '100%' }}
          showSearch
          optionFilterProp="label"
          placeholder={t('collab.addFollower')}
          data-testid="follower-add"
          value={null}
          options={choices.map((a) => ({
            value: a.email,
            label: `${a.name} ${a.email}`,
            'data-testid': `follower-option-${a.email}`,
          }))}
          onChange={(email: string) => change.mutate({ email, add: true })}
        />
      ) : null}
    </Section>
  );
}

function SubTasks({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const agents = useAgents();
  const q = useQuery({ queryKey: subtasksKey(ticket.id), queryFn: ({ signal }) => listSubtasks(ticket.id, { signal }) });
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState<string | undefined>();
  const [due, setDue] = useState('');
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: subtasksKey(ticket.id) });
    // The ticket's open count (and the 409 on resolving) follows its sub-tasks.
    await qc.invalidateQueries({ queryKey: ['ticket'] });
    await qc.invalidateQueries({ queryKey: qk.events(ticket.id) });
  };
  const add = useMutation({
    mutationFn: () => addSubtask(ticket.id, { title, assignee, due_at: isoFromLocal(due) }),
    onSuccess: async () => {
      setTitle('');
      setAssignee(undefined);
      setDue('');
      await refresh();
    },
    onError: (e) => toast.error(e.message),
  });
  const toggle = useMutation({
    mutationFn: (s: SubTask) => patchSubtask(ticket.id, s.id, { status: s.status === 'open' ? 'done' : 'open' }),
    onSuccess: refresh,
    onError: (e) => toast.error(e.message),
  });
  const items = q.data ?? [];
  const now = Date.now();
  const writable = ticket.status !== 'closed';
  return (
    <Section title={t('collab.subtasks')} testId="subtasks">
      {q.isError ? <Typography.Text type="danger">{q.error.message}</Typography.Text> : null}
      {items.length === 0 && q.isSuccess ? <Muted>{t('collab.noSubtasks')}</Muted> : null}
      {items.map((s, index) => (
        <div
          key={s.id}
          data-testid={`subtask-${index}`}
          data-status={s.status}
          style={{ display: 'flex', alignItems: 'center', gap: 6, padding: '2px 0' }}
        >
          <Checkbox
            checked={s.status === 'done'}
            disabled={!writable || toggle.isPending}
            data-testid={`subtask-${index}-done`}
            onChange={() => toggle.mutate(s)}
          />
          <span style={{ flex: 1, textDecoration: s.status === 'done' ? 'line-through' : undefined }}>{s.title}</span>
          <Muted style={{ fontSize: 12 }}>{agentName(agents.data, s.assignee) ?? ''}</Muted>
          {s.due_at ? (
            <Tag color={s.status === 'open' && Date.parse(s.due_at) < now ? 'red' : undefined} style={{ marginInlineEnd: 0 }}>
              {formatTime(s.due_at)}
            </Tag>
          ) : null}
        </div>
      ))}
      {writable ? (
        <div style={{ display: 'grid', gap: 4, marginTop: 6 }}>
          <Input
            size="small"
            placeholder={t('collab.subtaskTitle')}
            value={title}
            maxLength={200}
            data-testid="subtask-title"
            onChange={(e) => setTitle(e.target.value)}
          />
          <div style={{ display: 'flex', gap: 4 }}>
            <Select
              size="small"
              style={{ flex: 1 }}
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('collab.assignee')}
              data-testid="subtask-assignee"
              value={assignee}
              options={(agents.data ?? []).map((a) => ({
                value: a.email,
                label: `${a.name} ${a.email}`,
                'data-testid': `subtask-assignee-option-${a.email}`,
              }))}
              onChange={(v: string | undefined) => setAssignee(v)}
            />
            <input
              type="datetime-local"
              aria-label={t('collab.dueAt')}
              data-testid="subtask-due"
              value={due}
              onChange={(e) => setDue(e.target.value)}
              style={{ fontSize: 12 }}
            />
          </div>
          <Button
            size="small"
            data-testid="subtask-add"
            disabled={!title.trim()}
            loading={add.isPending}
            onClick={() => add.mutate()}
          >
            {t('collab.addSubtask')}
          </Button>
        </div>
      ) : null}
    </Section>
  );
}

function Collaborations({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const { user } = useAuth();
  const teams = useTeams();
  const q = useQuery({
    queryKey: collaborationsKey(ticket.id),
    queryFn: ({ signal }) => listCollaborations(ticket.id, { signal }),
  });
  const [team, setTeam] = useState<string | undefined>();
  const [text, setText] = useState('');
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: collaborationsKey(ticket.id) });
    await qc.invalidateQueries({ queryKey: qk.messages(ticket.id) });
    await qc.invalidateQueries({ queryKey: qk.events(ticket.id) });
  };
  const ask = useMutation({
    mutationFn: () => requestCollaboration(ticket.id, { team: team ?? '', request: text }),
    onSuccess: async () => {
      setTeam(undefined);
      setText('');
      await refresh();
    },
    onError: (e) => toast.error(e.message),
  });
  const mine = new Set([
    ...(user?.teams ?? []),
    ...(teams.data ?? []).filter((tm) => tm.supervisor === user?.email).map((tm) => tm.id),
  ]);
  const items = q.data ?? [];
  return (
    <Section title={t('collab.collaborations')} testId="collaborations">
      {items.length === 0 && q.isSuccess ? <Muted>{t('collab.noCollaborations')}</Muted> : null}
      {items.map((c, index) => (
        <CollaborationItem
          key={c.id}
          ticketId={ticket.id}
          item={c}
          index={index}
          teamLabel={teamName(teams.data, c.team) ?? c.team}
          mayAnswer={mine.has(c.team) && (c.status === 'open' || c.status === 'accepted')}
          onAnswered={refresh}
        />
      ))}
      {ticket.status !== 'closed' ? (
        <div style={{ display: 'grid', gap: 4, marginTop: 6 }}>
          <Select
            size="small"
            placeholder={t('collab.team')}
            data-testid="collaboration-team"
            value={team}
            options={(teams.data ?? []).map((tm) => ({
              value: tm.id,
              label: tm.name,
              'data-testid': `collaboration-team-option-${tm.id}`,
            }))}
            onChange={(v: string) => setTeam(v)}
          />
          <Input.TextArea
            rows={2}
            placeholder={t('collab.request')}
            value={text}
            maxLength={5000}
            data-testid="collaboration-request"
            onChange={(e) => setText(e.target.value)}
          />
          <Button
            size="small"
            data-testid="collaboration-add"
            disabled={!team || !text.trim()}
            loading={ask.isPending}
            onClick={() => ask.mutate()}
          >
            {t('collab.addCollaboration')}
          </Button>
        </div>
      ) : null}
    </Section>
  );
}

function CollaborationItem({
  ticketId,
  item,
  index,
  teamLabel,
  mayAnswer,
  onAnswered,
}: {
  ticketId: string;
  item: Collaboration;
  index: number;
  teamLabel: string;
  mayAnswer: boolean;
  onAnswered: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [response, setResponse] = useState('');
  const answer = useMutation({
    mutationFn: (status: 'accepted' | 'done' | 'declined') =>
      answerCollaboration(ticketId, item.id, { status, response: response.trim() || undefined }),
    onSuccess: onAnswered,
    onError: (e) => toast.error(e.message),
  });
  const color = { open: 'gold', accepted: 'blue', done: 'green', declined: 'default' }[item.status];
  return (
    <div
      data-testid={`collaboration-${index}`}
      data-status={item.status}
      style={{ borderTop: '1px solid #f0f0f0', padding: '6px 0' }}
    >
      <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
        <Tag color={color}>{t(`collab.status.${item.status}`)}</Tag>
        <Typography.Text strong>{teamLabel}</Typography.Text>
        <Muted style={{ fontSize: 12, marginLeft: 'auto' }}>{t('collab.requestedBy', { who: item.requested_by })}</Muted>
      </div>
      <div style={{ whiteSpace: 'pre-wrap', margin: '4px 0' }}>{item.request}</div>
      {item.response ? (
        <div data-testid={`collaboration-${index}-response`} style={{ whiteSpace: 'pre-wrap', color: '#389e0d' }}>
          {t('collab.response')}：{item.response}
        </div>
      ) : null}
      {mayAnswer ? (
        <div style={{ display: 'grid', gap: 4, marginTop: 4 }}>
          <Input.TextArea
            rows={2}
            placeholder={t('collab.response')}
            value={response}
            data-testid={`collaboration-${index}-answer`}
            onChange={(e) => setResponse(e.target.value)}
          />
          <div style={{ display: 'flex', gap: 4 }}>
            {item.status === 'open' ? (
              <Button size="small" onClick={() => answer.mutate('accepted')} data-testid={`collaboration-${index}-accept`}>
                {t('collab.accept')}
              </Button>
            ) : null}
            <Button
              size="small"
              type="primary"
              onClick={() => answer.mutate('done')}
              data-testid={`collaboration-${index}-done`}
            >
              {t('collab.done')}
            </Button>
            <Button size="small" danger onClick={() => answer.mutate('declined')} data-testid={`collaboration-${index}-decline`}>
              {t('collab.decline')}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
