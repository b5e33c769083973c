import type { ExperimentStatus } from '../api-types.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import type { Health } from '../summaries.ts';

const statusKeys: Record<ExperimentStatus, MessageKey> = {
  draft: 'status.draft',
  running: 'status.running',
  paused: 'status.paused',
  stopped: 'status.stopped',
  archived: 'status.archived',
};

/** The lifecycle status; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: ExperimentStatus }) {
  const { t } = useI18n();
  return (
    <span class={`badge status-${status}`} data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {t(statusKeys[status])}
    </span>
  );
}

const healthKeys: Record<Health, { label: MessageKey; title: MessageKey; icon: string }> = {
  healthy: { label: 'health.healthy', title: 'health.healthyTitle', icon: '✓' },
  srm: { label: 'health.srm', title: 'health.srmTitle', icon: '!' },
  no_traffic: { label: 'health.noTraffic', title: 'health.noTrafficTitle', icon: '!' },
  collecting: { label: 'health.collecting', title: 'health.collectingTitle', icon: '…' },
  unavailable: { label: 'health.unavailable', title: 'health.unavailableTitle', icon: '?' },
};

export function HealthBadge({ health }: { health: Health | null }) {
  const { t } = useI18n();
  if (health === null) return <span class="muted">—</span>;
  const keys = healthKeys[health];
  return (
    <span class={`badge health-${health}`} title={t(keys.title)} data-health={health}>
      <span class="badge-icon" aria-hidden="true">
        {keys.icon}
      </span>
      {t(keys.label)}
    </span>
  );
}
