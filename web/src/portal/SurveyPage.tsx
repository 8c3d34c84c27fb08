// 满意度评价: the resolution notice's one-click link (/survey/<token>?score=N), no sign-in. The click's score is
// recorded as the page opens; the comment box adds to it (a later answer replaces the earlier one).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { answerSurvey, getSurvey, isApiError, type Survey } from '../api';
import { LangSwitch } from '../shared/LangSwitch';
import { ScorePicker } from './ScorePicker';

export default function SurveyPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const clicked = Number(params.get('score'));
  const client = useQueryClient();
  const survey = useQuery({ queryKey: ['survey', token], queryFn: ({ signal }) => getSurvey(token, { signal }), retry: false });
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [sent, setSent] = useState(false);
  const answer = useMutation({
    mutationFn: (body: { score: number; comment?: string }) => answerSurvey(token, body),
    onSuccess: (data: Survey) => client.setQueryData(['survey', token], data),
  });
  const recorded = useRef(false);
  useEffect(() => {
    // The link's score, once, as soon as the survey is known to exist.
    if (recorded.current || !survey.data || !(clicked >= 1 && clicked <= 5)) return;
    recorded.current = true;
    setScore(clicked);
    if (survey.data.status === 'resolved') answer.mutate({ score: clicked });
  }, [survey.data, clicked, answer]);
  useEffect(() => {
    if (survey.data && score === null && survey.data.score) setScore(survey.data.score);
    if (survey.data?.comment && comment === '') setComment(survey.data.comment);
  }, [survey.data]); // eslint-disable-line react-hooks/exhaustive-deps

  const notFound = survey.isError && isApiError(survey.error) && survey.error.status === 404;
  const closed = survey.data?.status === 'closed';
  return (
    <div style={{ maxWidth: 560, margin: '48px auto', padding: 16 }} data-testid="survey-page">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>{t('survey.title')}</h2>
        <LangSwitch />
      </div>
      {notFound ? <Alert type="error" showIcon title={t('survey.notFound')} data-testid="survey-not-found" style={{ marginTop: 16 }} /> : null}
      {survey.data ? (
        <div style={{ marginTop: 16 }}>
          <p data-testid="survey-ticket">{t('survey.ticket', survey.data.ticket)}</p>
          {closed ? <Alert type="info" showIcon title={t('survey.closed')} style={{ marginBottom: 12 }} /> : null}
          <p>{t('survey.question')}</p>
          <ScorePicker value={score} disabled={closed} onChange={setScore} />
          {answer.isSuccess && !sent ? (
            <div style={{ color: '#52c41a', marginTop: 8 }} data-testid="survey-saved">
              {t('survey.saved')}
            </div>
          ) : null}
          <div style={{ marginTop: 16 }}>
            <label htmlFor="survey-comment">{t('survey.comment')}</label>
            <Input.TextArea
              id="survey-comment"
              data-testid="survey-comment"
              rows={4}
              maxLength={2000}
              disabled={closed}
              placeholder={t('survey.commentPlaceholder')}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <Button
            type="primary"
            style={{ marginTop: 12 }}
            data-testid="survey-submit"
            disabled={closed || score === null}
            loading={answer.isPending}
            onClick={() => score !== null && answer.mutate({ score, comment }, { onSuccess: () => setSent(true) })}
          >
            {t('survey.submit')}
          </Button>
          {sent ? (
            <Alert type="success" showIcon title={t('survey.thanks')} style={{ marginTop: 12 }} data-testid="survey-thanks" />
          ) : null}
          {answer.isError ? <Alert type="error" showIcon title={answer.error.message} style={{ marginTop: 12 }} /> : null}
        </div>
      ) : null}
    </div>
  );
}
