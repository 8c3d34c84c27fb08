import type { ReactNode } from 'react';

/** A small caption above an editor's control. */
export function Labeled({ label, children, width }: { label: string; children: ReactNode; width?: number | string }) {
  return (
    <label style={{ display: 'inline-flex', flexDirection: 'column', gap: 2, width }}>
      <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{label}</span>
      {children}
    </label>
  );
}
