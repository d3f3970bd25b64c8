import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Every workerd project that touches D1 starts from the real migrations in migrations/.
const bindings = env as unknown as { DB: D1Database; TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] };
await applyD1Migrations(bindings.DB, bindings.TEST_MIGRATIONS);
