import Alert from 'antd/es/alert';
import type { ReactNode } from 'react';

/** A page-level problem (not found, offline) with one way forward. */
export function ErrorBlock({ title, action, testId }: { title: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div style={{ maxWidth: 640, margin: '48px auto' }} data-testid={testId}>
      <Alert type="warning" showIcon title={title} action={action} />
    </div>
  );
}
