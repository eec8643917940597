// One escalation: summary and status workflow, entities and related candidates, the notes timeline, root causes
// with evidence linked to trace steps, remediation, labels on its accounts and conversations, proposals, postmortem.
import { hasPermission } from '../api.js';
import { LoadError } from '../components/investigations/common.js';
import { EntitiesPanel } from '../components/investigations/EntitiesPanel.js';
import { EscalationSummary } from '../components/investigations/EscalationSummary.js';
import { type LabelTarget, LabelsPanel } from '../components/investigations/LabelsPanel.js';
import { NotesTimeline } from '../components/investigations/NotesTimeline.js';
import { PostmortemPanel } from '../components/investigations/PostmortemPanel.js';
import { ProposalsPanel } from '../components/investigations/ProposalsPanel.js';
import { RemediationPanel } from '../components/investigations/RemediationPanel.js';
import { RootCausesPanel } from '../components/investigations/RootCausesPanel.js';
import { Loading } from '../components/ui.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import type { EscalationDetail } from '../investigations-api.js';
import { invApi } from '../investigations-api.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function EscalationPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useAsync(() => invApi.getEscalation(id), [id]);
  useDocumentTitle(data ? data.escalation.title : 'Escalation');
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/escalations">Escalations</Link> <span aria-hidden="true">/</span> <span>{data?.escalation.title ?? id}</span>
      </nav>
      <LoadError error={error} what="this escalation" permission="investigations:read" />
      {loading && !data ? <Loading /> : data ? <EscalationView detail={data} reload={reload} /> : null}
    </>
  );
}

function EscalationView({ detail, reload }: { detail: EscalationDetail; reload: () => void }) {
  const user = useUser();
  const canWrite = hasPermission(user, 'investigations:write') && detail.escalation.status !== 'resolved';
  const id = detail.escalation.id;
  const itemIds = detail.entities.filter((e) => e.entityType === 'item').map((e) => e.entityId);
  const labelTargets: LabelTarget[] = detail.entities
    .filter((e) => e.entityType === 'account' || e.entityType === 'conversation')
    .map((e) => ({ entityType: e.entityType as LabelTarget['entityType'], entityId: e.entityId, caption: '' }));
  const showProposals = ['investigations:read', 'proposals:write', 'proposals:approve'].some((p) => hasPermission(user, p));

  return (
    <>
      <EscalationSummary detail={detail} canWrite={canWrite} onChanged={reload} />
      <EntitiesPanel escalationId={id} entities={detail.entities} canWrite={canWrite} onChanged={reload} />
      <RootCausesPanel
        escalationId={id}
        causes={detail.rootCauses}
        items={itemIds}
        expectedDefault={detail.category}
        canWrite={canWrite}
        onChanged={reload}
      />
      <RemediationPanel
        escalationId={id}
        items={detail.remediation}
        causes={detail.rootCauses}
        proposals={detail.proposals}
        canWrite={hasPermission(user, 'investigations:write')}
        onChanged={reload}
      />
      {showProposals ? (
        <ProposalsPanel escalationId={id} proposals={detail.proposals} itemIds={itemIds} causes={detail.rootCauses} category={detail.category} />
      ) : null}
      <LabelsPanel targets={labelTargets} canWrite={hasPermission(user, 'investigations:write')} escalationId={id} />
      <NotesTimeline escalationId={id} notes={detail.notes} canWrite={hasPermission(user, 'investigations:write')} onChanged={reload} />
      <PostmortemPanel escalationId={id} />
    </>
  );
}
