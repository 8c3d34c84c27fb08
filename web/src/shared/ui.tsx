import type { CSSProperties, ReactNode } from 'react';

/** Secondary text, without antd Typography's machinery (copy, ellipsis, tooltips) in the initial chunks. */
export function Muted({
  children,
  style,
  testId,
}: {
  children: ReactNode;
  style?: CSSProperties;
  testId?: string;
}) {
  return (
    <span data-testid={testId} style={{ color: 'rgba(0, 0, 0, 0.45)', ...style }}>
      {children}
    </span>
  );
}

/** A filter chip: a real button with aria-pressed (or aria-checked for radio-like groups). */
export function ToggleChip({
  checked,
  onChange,
  children,
  testId,
  radio = false,
}: {
  checked: boolean;
  onChange: () => void;
  children: ReactNode;
  testId?: string;
  radio?: boolean;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      role={radio ? 'radio' : undefined}
      aria-checked={radio ? checked : undefined}
      aria-pressed={radio ? undefined : checked}
      className={checked ? 'hd-chip hd-chip-on' : 'hd-chip'}
      onClick={onChange}
    >
      {children}
    </button>
  );
}

/** A titled white box (antd Card's look, without Card's tab machinery in the bundle). */
export function Panel({
  title,
  extra,
  children,
  style,
  testId,
  small = false,
}: {
  title?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  style?: CSSProperties;
  testId?: string;
  small?: boolean;
}) {
  return (
    <section className="hd-panel" style={style} data-testid={testId}>
      {title || extra ? (
        <header className={small ? 'hd-panel-head hd-panel-head-small' : 'hd-panel-head'}>
          <div className="hd-panel-title">{title}</div>
          {extra ? <div>{extra}</div> : null}
        </header>
      ) : null}
      <div className={small ? 'hd-panel-body hd-panel-body-small' : 'hd-panel-body'}>{children}</div>
    </section>
  );
}
