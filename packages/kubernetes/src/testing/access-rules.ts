/**
 * Stand-in for RBAC: everything is allowed to the test user except what a test has denied.
 */

/** A denied request: `resource` is the plural, optionally with a subresource (`pods/log`). */
export interface DenyRule {
  verb: string;
  resource: string;
  /** Denied only in this namespace; every namespace when absent. */
  namespace?: string;
}

export interface AccessRequest {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

export class AccessRules {
  private readonly denied: DenyRule[] = [];

  deny(rule: DenyRule): void {
    this.denied.push(rule);
  }

  allows(request: AccessRequest): boolean {
    const target = request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`;
    return !this.denied.some(
      (rule) =>
        (rule.verb === '*' || rule.verb === request.verb) &&
        (rule.resource === '*' || rule.resource === target) &&
        (rule.namespace === undefined || rule.namespace === request.namespace),
    );
  }
}
