// 角色与权限 (roles.manage: admins): the built-in roles as read-only permission sets, and custom roles (自定义角色)
// an admin adds, edits (name and permissions ticked) and deletes. PUT /api/admin/roles/{id} saves one whole; a
// built-in id is a 409 builtin_role, a role still held a 409 role_in_use (shown next to the row).
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Popconfirm from 'antd/es/popconfirm';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteRole, isApiError, listRoles, putRole, type RoleDef } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { qk } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { testIdProp } from '../TicketActions';

export const ROLE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** A permission's label: its i18n key has underscores where the permission has dots. */
export function permissionKey(permission: string): string {
  return `roles.permission.${permission.replaceAll('.', '_')}`;
}

interface RoleFormValues {
  id: string;
  name: string;
  permissions: string[];
}

function RoleDialog({ role, all, onClose }: { role: RoleDef | null; all: string[]; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [form] = Form.useForm<RoleFormValues>();
  const adding = role === null;
  const save = useMutation({
    mutationFn: (v: RoleFormValues) => putRole(v.id, { name: v.name.trim(), permissions: v.permissions }),
    onSuccess: async (saved) => {
      toast.success(t('roles.saved', { name: saved.name }));
      await qc.invalidateQueries({ queryKey: qk.roles });
      onClose();
    },
  });
  const error = save.error && isApiError(save.error) ? save.error.message : save.error ? String(save.error) : null;
  return (
    <Modal
      open
      title={adding ? t('roles.addTitle') : t('roles.editTitle', { name: role.name })}
      okText={t('roles.save')}
      cancelText={t('roles.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={testIdProp('role-form-save')}
    >
      <Form<RoleFormValues>
        form={form}
        layout="vertical"
        initialValues={role ? { id: role.id, name: role.name, permissions: role.permissions } : { permissions: [] }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="id"
          label={t('roles.id')}
          extra={t('roles.idHint')}
          rules={[{ required: true, pattern: ROLE_ID_PATTERN, message: t('roles.idHint') }]}
        >
          <Input data-testid="role-form-id" disabled={!adding} maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('roles.name')} rules={[{ required: true, whitespace: true }]}>
          <Input data-testid="role-form-name" maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')}>
          <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))' }}>
            {all.map((p) => (
              <Checkbox key={p} value={p} data-testid={`role-perm-${p}`}>
                {t(permissionKey(p), { defaultValue: p })}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        {error ? <Alert type="error" showIcon message={error} data-testid="role-form-error" /> : null}
      </Form>
    </Modal>
  );
}

export default function RolesPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const roles = useQuery({ queryKey: qk.roles, queryFn: ({ signal }) => listRoles({ signal }) });
  const [editing, setEditing] = useState<RoleDef | null | 'new'>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (role: RoleDef) => deleteRole(role.id).then(() => role),
    onSuccess: async (role) => {
      setRefusal(null);
      toast.success(t('roles.removed', { name: role.name }));
      await qc.invalidateQueries({ queryKey: qk.roles });
    },
    onError: (error) => {
      const inUse = isApiError(error) && error.code === 'role_in_use';
      setRefusal(inUse ? `${t('roles.inUse')} (${error.message})` : String(isApiError(error) ? error.message : error));
    },
  });

  if (roles.isError) return <ErrorBlock title={String(roles.error)} testId="roles-error" />;
  if (!roles.data) return <Skeleton active />;
  const all = roles.data.permissions;
  return (
    <Panel
      title={t('roles.title')}
      testId="roles-page"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="role-add">
          {t('roles.add')}
        </Button>
      }
    >
      <p style={{ color: '#666' }}>{t('roles.hint')}</p>
      {refusal ? <Alert type="warning" showIcon message={refusal} data-testid="role-refusal" /> : null}
      <table className="hd-table" style={{ width: '100%' }}>
        <thead>
          <tr>
            <th>{t('roles.name')}</th>
            <th>{t('roles.id')}</th>
            <th>{t('roles.permissions')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {roles.data.items.map((role) => (
            <tr key={role.id} data-testid={`role-row-${role.id}`}>
              <td>
                {role.builtin ? t(`role.${role.id}`, { defaultValue: role.name }) : role.name}{' '}
                <Tag color={role.builtin ? 'default' : 'blue'}>{role.builtin ? t('roles.builtin') : t('roles.custom')}</Tag>
              </td>
              <td>
                <code>{role.id}</code>
              </td>
              <td>
                <span title={role.permissions.map((p) => t(permissionKey(p), { defaultValue: p })).join('、')}>
                  {t('roles.count', { count: role.permissions.length })}
                </span>
                {role.builtin ? null : (
                  <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginTop: 4 }}>
                    {role.permissions.map((p) => (
                      <Tag key={p}>{t(permissionKey(p), { defaultValue: p })}</Tag>
                    ))}
                  </div>
                )}
              </td>
              <td>
                {role.builtin ? null : (
                  <Space>
                    <Button size="small" onClick={() => setEditing(role)} data-testid={`role-edit-${role.id}`}>
                      {t('roles.edit')}
                    </Button>
                    <Popconfirm
                      title={t('roles.removeConfirm', { name: role.name })}
                      onConfirm={() => remove.mutate(role)}
                    >
                      <Button size="small" danger data-testid={`role-remove-${role.id}`}>
                        {t('roles.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <RoleDialog role={editing === 'new' ? null : editing} all={all} onClose={() => setEditing(null)} />
      ) : null}
    </Panel>
  );
}
