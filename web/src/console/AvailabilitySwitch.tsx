// The signed-in agent's availability (在线 / 离开 / 离线) in the console header: PUT /api/agents/{email}/availability.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { setAvailability, type Agent, type Availability } from '../api';
import { useAuth } from '../auth/AuthProvider';
import { qk, useAgents } from '../shared/queries';
import { useToast } from '../shared/toast';

export const AVAILABILITIES: Availability[] = ['online', 'away', 'offline'];
const DOT: Record<Availability, string> = { online: '#52c41a', away: '#faad14', offline: '#bfbfbf' };

export function AvailabilitySwitch() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  const agents = useAgents(!!user);
  const me = agents.data?.find((a) => a.email === user?.email);
  const mutation = useMutation({
    mutationFn: (availability: Availability) => setAvailability(user!.email, availability),
    onSuccess: (agent) => {
      qc.setQueryData<Agent[]>(qk.agents, (old) => old?.map((a) => (a.email === agent.email ? { ...a, ...agent } : a)));
      toast.success(t('availability.changed', { state: t(`availability.${agent.availability}`) }));
    },
    onError: (e) => toast.error(e.message),
  });
  if (!user || !me) return null;
  const current = (mutation.isPending ? mutation.variables : me.availability) as Availability;
  return (
    <div
      role="radiogroup"
      aria-label={t('availability.label')}
      className="hd-availability"
      data-testid="availability-switch"
      data-availability={me.availability}
    >
      {AVAILABILITIES.map((a) => (
        <button
          key={a}
          type="button"
          role="radio"
          aria-checked={current === a}
          data-testid={`availability-${a}`}
          disabled={mutation.isPending}
          onClick={() => a !== me.availability && mutation.mutate(a)}
        >
          <span className="hd-availability-dot" style={{ background: DOT[a] }} />
          {t(`availability.${a}`)}
        </button>
      ))}
    </div>
  );
}
