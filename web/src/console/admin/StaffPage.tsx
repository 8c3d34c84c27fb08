// 团队成员与团队 (admins, directory.manage): the staff table (role, teams, skills, load against capacity, senior,
// availability) with add / edit in a dialog and remove behind a confirmation, and the teams (id, name, supervisor,
// member count) with add / edit. Members join teams from their own form: a team's members follow the agents' teams.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Badge from 'antd/es/badge';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Modal from 'antd/es/modal';
import Popconfirm from 'antd/es/popconfirm';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Tag from 'antd/es/tag';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AGENT_LANGUAGES,
  deleteAgent,
  deleteTeam,
  isApiError,
  listRoles,
  listAgents,
  listTeams,
  putAgent,
  putTeam,
  STAFF_ROLES,
  TEAM_ID_PATTERN,
  type Agent,
  type AgentInput,
  type AgentLanguage,
  type StaffRole,
  type Team,
  type TeamInput,
} from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { agentName, qk, teamName } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';

const AVAILABILITY_BADGE: Record<string, 'success' | 'warning' | 'default'> = {
  online: 'success',
  away: 'warning',
  offline: 'default',
};

const MAX_CAPACITY = 100;
const TAGS = { display: 'inline-flex', flexWrap: 'wrap', gap: 4 } as const;

/** antd's ButtonProps do not declare data-* attributes; they are passed through to the button. */
function testIdProp(id: string): Record<`data-${string}`, string> {
  return { 'data-testid': id };
}

/** After any save: the tables (a member's teams change the teams' member lists) and, for oneself, /api/me. */
function refreshDirectory(qc: QueryClient, self: boolean): void {
  void qc.invalidateQueries({ queryKey: qk.agents });
  void qc.invalidateQueries({ queryKey: qk.teams });
  if (self) void qc.invalidateQueries({ queryKey: qk.me });
}

/**
 * The form input a failed save names: the error's `field` (its first part: `teams[2]` is `teams`), or the input a
 * code is about; null when the problem belongs to no input.
 */
export function errorField<K extends string>(
  error: unknown,
  fields: readonly K[],
  byCode: Partial<Record<string, K>> = {},
): K | null {
  if (!isApiError(error)) return null;
  const base = (error.field ?? '').split(/[.[]/)[0];
  if ((fields as readonly string[]).includes(base)) return base as K;
  return byCode[error.code] ?? null;
}

function uniqueTrimmed(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter(Boolean))];
}

// ---- staff ----

interface AgentFormValues {
  email: string;
  name: string;
  /** A built-in role or a custom role's id. */
  role: StaffRole | string;
  teams: string[];
  skills: string[];
  capacity: number | null;
  chat_capacity: number | null;
  senior: boolean;
  language: AgentLanguage;
}

const AGENT_FIELDS = ['email', 'name', 'role', 'teams', 'skills', 'capacity', 'chat_capacity', 'senior', 'language'] as const;
const MAX_CHAT_CAPACITY = 20;
const DEFAULT_CHAT_CAPACITY = 3;
type AgentField = (typeof AGENT_FIELDS)[number];

function agentFormValues(agent: Agent | null): Partial<AgentFormValues> {
  if (!agent) {
    return { role: 'agent', teams: [], skills: [], capacity: 8, chat_capacity: DEFAULT_CHAT_CAPACITY, senior: false, language: 'zh-CN' };
  }
  const language = (AGENT_LANGUAGES as readonly string[]).includes(agent.language ?? '')
    ? (agent.language as AgentLanguage)
    : 'zh-CN';
  return {
    email: agent.email,
    name: agent.name,
    role: agent.role || undefined,
    teams: agent.teams,
    skills: agent.skills,
    capacity: agent.capacity,
    chat_capacity: agent.chat_capacity ?? DEFAULT_CHAT_CAPACITY,
    senior: agent.senior,
    language,
  };
}

/** 添加成员 (agent null) or 编辑: PUT /api/admin/agents/{email}. Mounted while open, so each opening starts afresh. */
function AgentDialog({
  agent,
  agents,
  teams,
  selfEmail,
  onClose,
}: {
  agent: Agent | null;
  agents: Agent[];
  teams: Team[];
  selfEmail: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [form] = Form.useForm<AgentFormValues>();
  const adding = agent === null;
  const self = !!agent && agent.email === selfEmail;
  // Custom roles (自定义角色) besides the built-in ones; staff managers may list them.
  const roles = useQuery({ queryKey: qk.roles, queryFn: ({ signal }) => listRoles({ signal }) });
  const customRoles = (roles.data?.items ?? []).filter((r) => !r.builtin);

  const save = useMutation({
    mutationFn: ({ email, body }: { email: string; body: AgentInput }) => putAgent(email, body),
    onSuccess: (saved, { email }) => {
      refreshDirectory(qc, email === selfEmail);
      toast.success(t(adding ? 'staff.added' : 'staff.saved', { name: saved.name || email }));
      onClose();
    },
    onError: (e) => {
      const field = errorField<AgentField>(e, AGENT_FIELDS, { own_role: 'role' });
      if (field) form.setFields([{ name: field, errors: [e.message] }]);
    },
  });
  const field = errorField<AgentField>(save.error, AGENT_FIELDS, { own_role: 'role' });

  function submit(v: AgentFormValues) {
    const email = adding ? v.email.trim().toLowerCase() : agent.email;
    const body: AgentInput = {
      name: v.name.trim(),
      role: v.role,
      teams: v.teams ?? [],
      skills: uniqueTrimmed(v.skills),
      capacity: v.capacity ?? 0,
      // Always sent: the PUT replaces the member, and a left-out value would fall back to the default.
      chat_capacity: v.chat_capacity ?? DEFAULT_CHAT_CAPACITY,
      senior: !!v.senior,
      language: v.language,
    };
    save.mutate({ email, body });
  }

  const known = new Set(agents.map((a) => a.email.toLowerCase()));
  const required = { required: true, whitespace: true, message: t('common.required') };
  return (
    <Modal
      open
      title={adding ? t('staff.addTitle') : t('staff.editTitle', { name: agent.name || agent.email })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('admin.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={testIdProp('staff-form-save')}
      cancelButtonProps={testIdProp('staff-form-cancel')}
      mask={{ closable: false }}
    >
      <div data-testid="staff-form" data-error-field={field ?? ''}>
        {save.error && !field ? (
          <Alert type="error" showIcon title={save.error.message} style={{ marginBottom: 12 }} data-testid="staff-form-error" />
        ) : null}
        <Form<AgentFormValues>
          form={form}
          name="staff-form"
          layout="vertical"
          initialValues={agentFormValues(agent)}
          onFinish={submit}
          onValuesChange={() => {
            if (save.error && !field) save.reset();
          }}
        >
          <Form.Item
            name="email"
            label={t('staff.fields.email')}
            normalize={(v: string | undefined) => v?.trim()}
            rules={
              adding
                ? [
                    required,
                    { type: 'email', message: t('common.invalidEmail') },
                    {
                      validator: (_, v: string | undefined) =>
                        v && known.has(v.trim().toLowerCase())
                          ? Promise.reject(new Error(t('staff.emailTaken')))
                          : Promise.resolve(),
                    },
                  ]
                : []
            }
          >
            <Input data-testid="staff-form-email" autoComplete="off" disabled={!adding} maxLength={254} />
          </Form.Item>
          <Form.Item name="name" label={t('staff.fields.name')} rules={[required]}>
            <Input data-testid="staff-form-name" autoComplete="off" maxLength={100} />
          </Form.Item>
          <Form.Item
            name="role"
            label={t('staff.fields.role')}
            rules={[{ required: true, message: t('common.required') }]}
            extra={self ? t('staff.ownRoleHint') : undefined}
          >
            <Select<string>
              data-testid="staff-form-role"
              virtual={false}
              disabled={self}
              options={[
                ...STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}`), 'data-testid': `staff-role-${r}` })),
                ...customRoles.map((r) => ({ value: r.id, label: r.name, 'data-testid': `staff-role-${r.id}` })),
              ]}
            />
          </Form.Item>
          <Form.Item name="teams" label={t('staff.fields.teams')}>
            <Select<string[]>
              data-testid="staff-form-teams"
              virtual={false}
              mode="multiple"
              allowClear
              placeholder={t('staff.teamsPlaceholder')}
              optionFilterProp="label"
              options={teams.map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `staff-team-${tm.id}` }))}
            />
          </Form.Item>
          <Form.Item name="skills" label={t('staff.fields.skills')}>
            <Select<string[]>
              data-testid="staff-form-skills"
              mode="tags"
              open={false}
              suffixIcon={null}
              tokenSeparators={[',', '，', ' ']}
              placeholder={t('staff.skillsPlaceholder')}
            />
          </Form.Item>
          <Space size={24} wrap align="start">
            <Form.Item
              name="capacity"
              label={t('staff.fields.capacity')}
              tooltip={t('staff.capacityHint', { max: MAX_CAPACITY })}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber data-testid="staff-form-capacity" min={0} max={MAX_CAPACITY} precision={0} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item
              name="chat_capacity"
              label={t('staff.fields.chatCapacity')}
              tooltip={t('staff.chatCapacityHint', { max: MAX_CHAT_CAPACITY })}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber
                data-testid="staff-form-chat-capacity"
                min={0}
                max={MAX_CHAT_CAPACITY}
                precision={0}
                style={{ width: 120 }}
              />
            </Form.Item>
            <Form.Item name="senior" label={t('staff.fields.senior')} valuePropName="checked">
              <Switch data-testid="staff-form-senior" />
            </Form.Item>
            <Form.Item name="language" label={t('staff.fields.language')} tooltip={t('staff.languageHint')}>
              <Select<AgentLanguage>
                data-testid="staff-form-language"
                virtual={false}
                style={{ width: 160 }}
                options={AGENT_LANGUAGES.map((l) => ({ value: l, label: t(`staff.languages.${l}`), 'data-testid': `staff-language-${l}` }))}
              />
            </Form.Item>
          </Space>
        </Form>
      </div>
    </Modal>
  );
}

function LoadCell({ agent }: { agent: Agent }) {
  const { t } = useTranslation();
  const load = agent.load ?? null;
  // Capacity 0 takes no tickets: flagged only when holding some.
  const full = load !== null && load > 0 && load >= agent.capacity;
  return (
    <span
      data-testid={`staff-load-${agent.email}`}
      title={load !== null ? t('staff.loadTitle', { load, capacity: agent.capacity }) : undefined}
      style={{ whiteSpace: 'nowrap', color: full ? '#cf1322' : undefined, fontWeight: full ? 600 : undefined }}
    >
      {load ?? '—'} / {agent.capacity}
    </span>
  );
}

function StaffTable({
  agents,
  teams,
  selfEmail,
  onEdit,
  onRemove,
  removing,
}: {
  agents: Agent[];
  teams: Team[];
  selfEmail: string | undefined;
  onEdit: (a: Agent) => void;
  onRemove: (a: Agent) => void;
  removing: string | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="hd-table-wrap">
      <table className="hd-table" data-testid="staff-table" data-count={agents.length}>
        <thead>
          <tr>
            <th>{t('staff.columns.name')}</th>
            <th>{t('staff.columns.email')}</th>
            <th>{t('staff.columns.role')}</th>
            <th>{t('staff.columns.teams')}</th>
            <th>{t('staff.columns.skills')}</th>
            <th>{t('staff.columns.load')}</th>
            <th>{t('staff.columns.senior')}</th>
            <th>{t('staff.columns.availability')}</th>
            <th>{t('staff.columns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {agents.length === 0 ? (
            <tr>
              <td colSpan={9} style={{ color: 'rgba(0,0,0,0.45)' }}>
                {t('staff.empty')}
              </td>
            </tr>
          ) : null}
          {agents.map((a) => {
            const self = a.email === selfEmail;
            const load = a.load ?? 0;
            return (
              <tr key={a.email} data-testid={`staff-row-${a.email}`}>
                <td>{a.name}</td>
                <td title={a.email} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {a.email}
                </td>
                <td>{t(`role.${a.role}`, { defaultValue: a.role })}</td>
                <td>
                  <span style={TAGS}>
                    {a.teams.map((id) => (
                      <Tag key={id} style={{ marginInlineEnd: 0 }}>
                        {teamName(teams, id)}
                      </Tag>
                    ))}
                  </span>
                </td>
                <td>
                  <span style={TAGS}>
                    {a.skills.map((s) => (
                      <Tag key={s} color="blue" style={{ marginInlineEnd: 0 }}>
                        {s}
                      </Tag>
                    ))}
                  </span>
                </td>
                <td>
                  <LoadCell agent={a} />
                </td>
                <td>{a.senior ? <Tag color="gold">{t('staff.seniorTag')}</Tag> : t('common.no')}</td>
                <td>
                  <Badge
                    data-testid={`staff-availability-${a.email}`}
                    status={AVAILABILITY_BADGE[a.availability] ?? 'default'}
                    text={t(`availability.${a.availability}`, { defaultValue: a.availability })}
                  />
                </td>
                <td>
                  <Space size={4}>
                    <Button size="small" data-testid={`staff-edit-${a.email}`} onClick={() => onEdit(a)}>
                      {t('staff.edit')}
                    </Button>
                    <Popconfirm
                      title={t('staff.removeConfirm', { name: a.name || a.email })}
                      description={load > 0 ? t('staff.removeHasTickets', { count: load }) : undefined}
                      okText={t('staff.remove')}
                      okType="danger"
                      cancelText={t('common.cancel')}
                      okButtonProps={testIdProp(`staff-remove-confirm-${a.email}`)}
                      disabled={self}
                      onConfirm={() => onRemove(a)}
                    >
                      <Button
                        size="small"
                        danger
                        data-testid={`staff-remove-${a.email}`}
                        disabled={self}
                        title={self ? t('staff.cannotRemoveSelf') : undefined}
                        loading={removing === a.email}
                      >
                        {t('staff.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// ---- teams ----

interface TeamFormValues {
  id: string;
  name: string;
  supervisor?: string | null;
}

const TEAM_FIELDS = ['id', 'name', 'supervisor'] as const;
type TeamField = (typeof TEAM_FIELDS)[number];

/** 添加团队 (team null) or 编辑: PUT /api/admin/teams/{id}. */
function TeamDialog({
  team,
  teams,
  agents,
  onClose,
}: {
  team: Team | null;
  teams: Team[];
  agents: Agent[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [form] = Form.useForm<TeamFormValues>();
  const adding = team === null;

  const save = useMutation({
    mutationFn: ({ id, body }: { id: string; body: TeamInput }) => putTeam(id, body),
    onSuccess: (saved, { id, body }) => {
      refreshDirectory(qc, false);
      toast.success(t('staff.teamSaved', { name: saved.name || body.name || id }));
      onClose();
    },
    onError: (e) => {
      const field = errorField<TeamField>(e, TEAM_FIELDS);
      if (field) form.setFields([{ name: field, errors: [e.message] }]);
    },
  });
  const field = errorField<TeamField>(save.error, TEAM_FIELDS);

  function submit(v: TeamFormValues) {
    const id = adding ? v.id.trim() : team.id;
    save.mutate({ id, body: { name: v.name.trim(), supervisor: v.supervisor ?? null } });
  }

  const known = new Set(teams.map((tm) => tm.id));
  const supervisors = agents.filter((a) => a.role === 'supervisor' || a.role === 'admin');
  const required = { required: true, whitespace: true, message: t('common.required') };
  return (
    <Modal
      open
      title={adding ? t('staff.addTeamTitle') : t('staff.editTeamTitle', { name: team.name || team.id })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('admin.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={testIdProp('team-form-save')}
      cancelButtonProps={testIdProp('team-form-cancel')}
      mask={{ closable: false }}
    >
      <div data-testid="team-form" data-error-field={field ?? ''}>
        {save.error && !field ? (
          <Alert type="error" showIcon title={save.error.message} style={{ marginBottom: 12 }} data-testid="team-form-error" />
        ) : null}
        <Form<TeamFormValues>
          form={form}
          name="team-form"
          layout="vertical"
          initialValues={team ? { id: team.id, name: team.name, supervisor: team.supervisor } : { supervisor: null }}
          onFinish={submit}
          onValuesChange={() => {
            if (save.error && !field) save.reset();
          }}
        >
          <Form.Item
            name="id"
            label={t('staff.teamFields.id')}
            extra={adding ? t('staff.teamIdHint') : undefined}
            rules={
              adding
                ? [
                    required,
                    {
                      validator: (_, v: string | undefined) => {
                        const id = (v ?? '').trim();
                        if (!id) return Promise.resolve();
                        if (!TEAM_ID_PATTERN.test(id)) return Promise.reject(new Error(t('staff.teamIdInvalid')));
                        if (known.has(id)) return Promise.reject(new Error(t('staff.teamIdTaken')));
                        return Promise.resolve();
                      },
                    },
                  ]
                : []
            }
          >
            <Input data-testid="team-form-id" autoComplete="off" disabled={!adding} maxLength={32} />
          </Form.Item>
          <Form.Item name="name" label={t('staff.teamFields.name')} rules={[required]}>
            <Input data-testid="team-form-name" autoComplete="off" maxLength={64} />
          </Form.Item>
          <Form.Item name="supervisor" label={t('staff.teamFields.supervisor')}>
            <Select<string | null>
              data-testid="team-form-supervisor"
              virtual={false}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('staff.supervisorPlaceholder')}
              onClear={() => form.setFieldValue('supervisor', null)}
              options={supervisors.map((a) => ({
                value: a.email,
                label: `${a.name} <${a.email}>`,
                'data-testid': `team-supervisor-${a.email}`,
              }))}
            />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}

function TeamsTable({
  teams,
  agents,
  onEdit,
  onDelete,
  deleting,
}: {
  teams: Team[];
  agents: Agent[];
  onEdit: (tm: Team) => void;
  onDelete: (tm: Team) => void;
  deleting: string | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="hd-table-wrap">
      <table className="hd-table" data-testid="teams-table" data-count={teams.length}>
        <thead>
          <tr>
            <th>{t('staff.teamColumns.id')}</th>
            <th>{t('staff.teamColumns.name')}</th>
            <th>{t('staff.teamColumns.supervisor')}</th>
            <th>{t('staff.teamColumns.members')}</th>
            <th>{t('staff.teamColumns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {teams.length === 0 ? (
            <tr>
              <td colSpan={5} style={{ color: 'rgba(0,0,0,0.45)' }}>
                {t('staff.noTeams')}
              </td>
            </tr>
          ) : null}
          {teams.map((tm) => (
            <tr key={tm.id} data-testid={`team-row-${tm.id}`}>
              <td>
                <code>{tm.id}</code>
              </td>
              <td>{tm.name}</td>
              <td>{agentName(agents, tm.supervisor) ?? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('staff.noSupervisor')}</span>}</td>
              <td data-testid={`team-members-${tm.id}`}>{tm.members.length}</td>
              <td>
                <Space size={4}>
                  <Button size="small" data-testid={`team-edit-${tm.id}`} onClick={() => onEdit(tm)}>
                    {t('staff.edit')}
                  </Button>
                  <Popconfirm
                    title={t('staff.deleteTeamConfirm', { name: tm.name || tm.id })}
                    okText={t('staff.deleteTeam')}
                    okType="danger"
                    cancelText={t('common.cancel')}
                    okButtonProps={testIdProp(`team-delete-confirm-${tm.id}`)}
                    onConfirm={() => onDelete(tm)}
                  >
                    <Button size="small" danger data-testid={`team-delete-${tm.id}`} loading={deleting === tm.id}>
                      {t('staff.deleteTeam')}
                    </Button>
                  </Popconfirm>
                </Space>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---- page ----

type Editing<T> = { item: T | null } | null;

export default function StaffPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  // The shared directory cache, but fresher: load changes all day.
  const agents = useQuery({ queryKey: qk.agents, queryFn: ({ signal }) => listAgents({ signal }) });
  const teams = useQuery({ queryKey: qk.teams, queryFn: ({ signal }) => listTeams({ signal }) });
  const [editingAgent, setEditingAgent] = useState<Editing<Agent>>(null);
  const [editingTeam, setEditingTeam] = useState<Editing<Team>>(null);

  const dropTeam = useMutation({
    mutationFn: (team: Team) => deleteTeam(team.id),
    onSuccess: (_, team) => toast.success(t('staff.teamDeleted', { name: team.name || team.id })),
    onSettled: () => refreshDirectory(qc, false),
  });
  const remove = useMutation({
    mutationFn: (agent: Agent) => deleteAgent(agent.email),
    onSuccess: (_, agent) => toast.success(t('staff.removed', { name: agent.name || agent.email })),
    // Refused or not, the table shows the server's view afterwards (its load, or that someone else removed them).
    onSettled: () => refreshDirectory(qc, false),
  });

  if (agents.isPending || teams.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (agents.isError) return <ErrorBlock testId="staff-load-error" title={agents.error.message} />;
  if (teams.isError) return <ErrorBlock testId="staff-load-error" title={teams.error.message} />;
  const agentList = agents.data;
  const teamList = teams.data;
  const failed = remove.error && remove.variables ? remove : null;
  const teamFailed = dropTeam.error && dropTeam.variables ? dropTeam : null;

  return (
    <div data-testid="staff-page">
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('staff.title')}</h2>
        <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('staff.hint')}</span>
      </div>
      {failed ? (
        <Alert
          type="error"
          showIcon
          data-testid="staff-remove-error"
          data-code={isApiError(failed.error) ? failed.error.code : ''}
          style={{ marginBottom: 12 }}
          title={t('staff.removeFailed', {
            name: failed.variables?.name || failed.variables?.email,
            message: failed.error?.message,
          })}
          closable={{ onClose: () => remove.reset() }}
        />
      ) : null}
      <Panel
        small
        testId="staff-section"
        title={t('staff.members')}
        style={{ marginBottom: 16 }}
        extra={
          <Button type="primary" icon={<PlusOutlined />} data-testid="staff-add" onClick={() => setEditingAgent({ item: null })}>
            {t('staff.add')}
          </Button>
        }
      >
        <StaffTable
          agents={agentList}
          teams={teamList}
          selfEmail={user?.email}
          removing={remove.isPending ? (remove.variables?.email ?? null) : null}
          onEdit={(a) => setEditingAgent({ item: a })}
          onRemove={(a) => {
            remove.reset();
            remove.mutate(a);
          }}
        />
      </Panel>
      <Panel
        small
        testId="teams-section"
        title={
          <>
            {t('staff.teams')}{' '}
            <span style={{ fontWeight: 400, fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{t('staff.membersHint')}</span>
          </>
        }
        extra={
          <Button icon={<PlusOutlined />} data-testid="team-add" onClick={() => setEditingTeam({ item: null })}>
            {t('staff.addTeam')}
          </Button>
        }
      >
        {teamFailed ? (
          <Alert
            type="error"
            showIcon
            data-testid="team-delete-error"
            data-code={isApiError(teamFailed.error) ? teamFailed.error.code : ''}
            style={{ marginBottom: 12 }}
            title={t('staff.deleteTeamFailed', {
              name: teamFailed.variables?.name || teamFailed.variables?.id,
              message: teamFailed.error?.message,
            })}
            closable={{ onClose: () => dropTeam.reset() }}
          />
        ) : null}
        <TeamsTable
          teams={teamList}
          agents={agentList}
          onEdit={(tm) => setEditingTeam({ item: tm })}
          deleting={dropTeam.isPending ? (dropTeam.variables?.id ?? null) : null}
          onDelete={(tm) => {
            dropTeam.reset();
            dropTeam.mutate(tm);
          }}
        />
      </Panel>
      {editingAgent ? (
        <AgentDialog
          agent={editingAgent.item}
          agents={agentList}
          teams={teamList}
          selfEmail={user?.email}
          onClose={() => setEditingAgent(null)}
        />
      ) : null}
      {editingTeam ? (
        <TeamDialog team={editingTeam.item} teams={teamList} agents={agentList} onClose={() => setEditingTeam(null)} />
      ) : null}
    </div>
  );
}
