import type { Authentication } from '../auth/identity';
import type { WorkflowService } from '../workflows/workflow.service';

/** The per-request context every resolver and directive receives. */
export interface RequestContext {
  auth: Authentication;
  /** Client address, the rate-limit identity of anonymous callers. */
  clientIp: string;
  workflows: WorkflowService;
}
