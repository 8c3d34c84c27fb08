// Five buttons, 1 very dissatisfied ... 5 very satisfied: the survey page's and the portal's rating.
import { useTranslation } from 'react-i18next';

export function ScorePicker({
  value,
  disabled = false,
  onChange,
}: {
  value: number | null;
  disabled?: boolean;
  onChange: (score: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <div role="radiogroup" aria-label={t('survey.question')} style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={value === n}
          disabled={disabled}
          data-testid={`score-${n}`}
          className={value === n ? 'hd-chip hd-chip-on' : 'hd-chip'}
          onClick={() => onChange(n)}
        >
          {n} · {t(`survey.scores.${n}`)}
        </button>
      ))}
    </div>
  );
}
