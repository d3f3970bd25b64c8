import { DurableObject } from "cloudflare:workers";
import type { RuntimeEnv } from "../env";
import { SessionMirrors } from "./session/session-mirrors";
import type { SessionMirror } from "./session/session-store";

/**
 * One per user (the monitor's ownerUserId): a read model of that user's monitor sessions, copied
 * from the owning PortfolioAgent after every step that changes one (see SessionMirrors: the later
 * `updatedAt` wins).
 */
export class UserAgent extends DurableObject<RuntimeEnv> {
  private readonly mirrors: SessionMirrors;

  constructor(ctx: DurableObjectState, env: RuntimeEnv) {
    super(ctx, env);
    this.mirrors = new SessionMirrors(ctx.storage.sql, "sessions");
  }

  mirror(session: SessionMirror): void {
    this.mirrors.put(session);
  }

  sessions(): SessionMirror[] {
    return this.mirrors.list();
  }
}
