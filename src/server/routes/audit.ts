import { z } from 'zod';
import { AuditRecord, ChainStatus, auditCsv, listAudit, verifyChain, verifyChainIncremental, writeAudit } from '../audit.ts';
import { route } from '../http.ts';
import { AuditHead, IntegrityAnswer, auditHead, integrityDto, integrityProblems } from '../integrity.ts';
import { actorOf } from '../state.ts';

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export const auditRoutes = [
  route({
    method: 'GET',
    url: '/api/audit',
    access: 'audit.view',
    tag: 'logboek',
    summary: 'Het auditlogboek (nieuwste eerst) en de controle van de hashketen.',
    query: AuditQuery,
    response: z.object({ records: z.array(AuditRecord), chain: ChainStatus }),
    handler: ({ ctx, query }) => ({
      records: listAudit(ctx.db, query.limit, query.before ?? null).map((r) => ({
        id: r.id,
        at: r.at,
        userId: r.userId,
        username: r.username,
        role: r.role,
        action: r.action,
        details: r.details,
        prevHash: r.prevHash,
        hash: r.hash,
      })),
      chain: verifyChainIncremental(ctx.db),
    }),
  }),
  route({
    method: 'GET',
    url: '/api/integrity',
    access: 'election.view',
    tag: 'logboek',
    summary:
      'Controle op wijzigingen buiten het programma om: elke afgeronde invoer en elk opgeslagen bestand tegen het auditlog, het auditlog tegen zijn anker.',
    response: IntegrityAnswer.extend({ auditHead: AuditHead }),
    handler: ({ ctx }) => {
      const head = auditHead(ctx.db);
      return { ...integrityDto(integrityProblems(ctx)), auditHead: { length: head.length, hash: head.hash } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/audit/export',
    access: 'audit.view',
    tag: 'logboek',
    summary: 'Het hele auditlogboek als CSV (UTF-8, scheidingsteken ;). De export wordt zelf ook gelogd.',
    produces: 'text/csv',
    handler: ({ ctx, user, reply, now }) => {
      const csv = ctx.db.transaction(() => {
        writeAudit(ctx.db, now, actorOf(user!), 'audit.export', { chain: verifyChain(ctx.db) });
        return auditCsv(ctx.db);
      })();
      const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="auditlog-${stamp}.csv"`)
        .send(csv);
    },
  }),
];
