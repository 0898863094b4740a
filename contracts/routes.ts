/**
 * The route table: the one list of HTTP routes. The CDK stack builds the HTTP API from it and the
 * local runner serves it, so a route cannot exist in one and not the other. Each route names the
 * Lambda function that serves it and whether API Gateway's JWT authorizer guards it.
 *
 * `operation` names the implementation inside the function and the contract (schemas) that
 * validates the request and documents it in OpenAPI.
 */
export type FunctionName = 'api' | 'pages' | 'documents' | 'bulk' | 'verify';
export type Auth = 'rep' | 'public';
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  fn: FunctionName;
  auth: Auth;
  operation: string;
}

export const routes = [
  { method: 'GET', path: '/openapi.json', fn: 'api', auth: 'public', operation: 'getOpenApi' },

  { method: 'GET', path: '/pipelines', fn: 'api', auth: 'rep', operation: 'listPipelines' },
  { method: 'POST', path: '/pipelines', fn: 'api', auth: 'rep', operation: 'createPipeline' },
  { method: 'GET', path: '/pipelines/{id}', fn: 'api', auth: 'rep', operation: 'getPipeline' },
  { method: 'PUT', path: '/pipelines/{id}', fn: 'api', auth: 'rep', operation: 'updatePipeline' },

  { method: 'GET', path: '/contacts', fn: 'api', auth: 'rep', operation: 'listContacts' },
  { method: 'POST', path: '/contacts', fn: 'api', auth: 'rep', operation: 'createContact' },
  { method: 'GET', path: '/contacts/{id}', fn: 'api', auth: 'rep', operation: 'getContact' },
  { method: 'PATCH', path: '/contacts/{id}', fn: 'api', auth: 'rep', operation: 'updateContact' },

  { method: 'GET', path: '/companies', fn: 'api', auth: 'rep', operation: 'listCompanies' },
  { method: 'POST', path: '/companies', fn: 'api', auth: 'rep', operation: 'createCompany' },
  { method: 'GET', path: '/companies/{id}', fn: 'api', auth: 'rep', operation: 'getCompany' },
  { method: 'PATCH', path: '/companies/{id}', fn: 'api', auth: 'rep', operation: 'updateCompany' },

  { method: 'GET', path: '/products', fn: 'api', auth: 'rep', operation: 'listProducts' },
  { method: 'POST', path: '/products', fn: 'api', auth: 'rep', operation: 'createProduct' },
  { method: 'GET', path: '/products/{id}', fn: 'api', auth: 'rep', operation: 'getProduct' },
  { method: 'PATCH', path: '/products/{id}', fn: 'api', auth: 'rep', operation: 'updateProduct' },

  { method: 'GET', path: '/deals', fn: 'api', auth: 'rep', operation: 'listDeals' },
  { method: 'POST', path: '/deals', fn: 'api', auth: 'rep', operation: 'createDeal' },
  { method: 'GET', path: '/deals/{id}', fn: 'api', auth: 'rep', operation: 'getDeal' },
  { method: 'PATCH', path: '/deals/{id}', fn: 'api', auth: 'rep', operation: 'updateDeal' },
  { method: 'POST', path: '/deals/{id}/stage', fn: 'api', auth: 'rep', operation: 'moveDealStage' },
  { method: 'PUT', path: '/deals/{id}/lines', fn: 'api', auth: 'rep', operation: 'replaceDealLines' },
  { method: 'GET', path: '/deals/{id}/timeline', fn: 'api', auth: 'rep', operation: 'getDealTimeline' },
  { method: 'POST', path: '/deals/{id}/comments', fn: 'api', auth: 'rep', operation: 'addDealComment' },

  { method: 'GET', path: '/deals/{id}/quotes', fn: 'api', auth: 'rep', operation: 'listDealQuotes' },
  { method: 'POST', path: '/deals/{id}/quotes', fn: 'api', auth: 'rep', operation: 'createQuote' },
  { method: 'GET', path: '/quotes/{id}', fn: 'api', auth: 'rep', operation: 'getQuote' },
  { method: 'GET', path: '/quotes/{id}/preview', fn: 'documents', auth: 'rep', operation: 'previewQuote' },
  { method: 'GET', path: '/quotes/{id}/pdf', fn: 'documents', auth: 'rep', operation: 'getQuotePdf' },
  { method: 'POST', path: '/quotes/{id}/send', fn: 'documents', auth: 'rep', operation: 'sendQuote' },
  { method: 'POST', path: '/quotes/{id}/resend', fn: 'api', auth: 'rep', operation: 'resendQuote' },
  { method: 'POST', path: '/quotes/{id}/revise', fn: 'api', auth: 'rep', operation: 'reviseQuote' },
  { method: 'POST', path: '/quotes/{id}/withdraw', fn: 'api', auth: 'rep', operation: 'withdrawQuote' },
  { method: 'GET', path: '/templates', fn: 'api', auth: 'rep', operation: 'listTemplates' },
  { method: 'POST', path: '/quotes/{id}/remind', fn: 'api', auth: 'rep', operation: 'remindQuote' },

  { method: 'GET', path: '/q/{token}', fn: 'pages', auth: 'public', operation: 'getQuotePage' },
  { method: 'GET', path: '/q/{token}/pdf', fn: 'documents', auth: 'public', operation: 'getPublicQuotePdf' },
  { method: 'POST', path: '/q/{token}/sign', fn: 'pages', auth: 'public', operation: 'signQuote' },
  {
    method: 'POST',
    path: '/q/{token}/changes',
    fn: 'pages',
    auth: 'public',
    operation: 'requestQuoteChanges',
  },
  { method: 'POST', path: '/q/{token}/decline', fn: 'pages', auth: 'public', operation: 'declineQuote' },
  // Follow-through (issue 15): link scanners' HEADs, the page's view report, the one-time code.
  { method: 'HEAD', path: '/q/{token}', fn: 'pages', auth: 'public', operation: 'headQuotePage' },
  { method: 'POST', path: '/q/{token}/view', fn: 'pages', auth: 'public', operation: 'reportQuoteView' },
  { method: 'POST', path: '/q/{token}/code', fn: 'pages', auth: 'public', operation: 'requestSignerCode' },

  // Anyone may check whether this Closer issued a PDF; reps get a quote's evidence bundle.
  { method: 'GET', path: '/verify', fn: 'verify', auth: 'public', operation: 'getVerifyPage' },
  { method: 'POST', path: '/verify', fn: 'verify', auth: 'public', operation: 'verifyUpload' },
  { method: 'GET', path: '/verify/{sha256}', fn: 'verify', auth: 'public', operation: 'verifyHash' },
  {
    method: 'GET',
    path: '/quotes/{id}/evidence',
    fn: 'documents',
    auth: 'rep',
    operation: 'getQuoteEvidence',
  },

  // Reports, follow-up tasks, CSV export and import. `bulk` takes the large, long CSV requests.
  { method: 'GET', path: '/reports/pipeline', fn: 'api', auth: 'rep', operation: 'getPipelineReport' },
  { method: 'GET', path: '/reports/forecast', fn: 'api', auth: 'rep', operation: 'getForecastReport' },
  { method: 'GET', path: '/reports/owners', fn: 'api', auth: 'rep', operation: 'getOwnersReport' },
  { method: 'GET', path: '/reports/loss-reasons', fn: 'api', auth: 'rep', operation: 'getLossReasonsReport' },
  { method: 'POST', path: '/deals/{id}/tasks', fn: 'api', auth: 'rep', operation: 'createTask' },
  { method: 'PATCH', path: '/tasks/{id}', fn: 'api', auth: 'rep', operation: 'updateTask' },
  { method: 'GET', path: '/tasks', fn: 'api', auth: 'rep', operation: 'listTasks' },
  { method: 'GET', path: '/deals/{id}/tasks', fn: 'api', auth: 'rep', operation: 'listDealTasks' },
  { method: 'GET', path: '/deals.csv', fn: 'bulk', auth: 'rep', operation: 'exportDeals' },
  { method: 'POST', path: '/deals/import', fn: 'bulk', auth: 'rep', operation: 'importDeals' },

  // The console's quote builder and activity feed (issue 13).
  { method: 'PATCH', path: '/quotes/{id}', fn: 'api', auth: 'rep', operation: 'updateQuoteDraft' },
  { method: 'GET', path: '/quotes/{id}/email', fn: 'documents', auth: 'rep', operation: 'previewQuoteEmail' },
  { method: 'GET', path: '/activity', fn: 'api', auth: 'rep', operation: 'listActivity' },
  { method: 'POST', path: '/activity/read', fn: 'api', auth: 'rep', operation: 'markActivityRead' },
  // Webhooks (managers only): endpoints, their secret's rotation, their delivery log.
  { method: 'GET', path: '/webhooks', fn: 'api', auth: 'rep', operation: 'listWebhooks' },
  { method: 'POST', path: '/webhooks', fn: 'api', auth: 'rep', operation: 'createWebhook' },
  { method: 'GET', path: '/webhooks/{id}', fn: 'api', auth: 'rep', operation: 'getWebhook' },
  { method: 'PATCH', path: '/webhooks/{id}', fn: 'api', auth: 'rep', operation: 'updateWebhook' },
  { method: 'DELETE', path: '/webhooks/{id}', fn: 'api', auth: 'rep', operation: 'deleteWebhook' },
  {
    method: 'POST',
    path: '/webhooks/{id}/rotate-secret',
    fn: 'api',
    auth: 'rep',
    operation: 'rotateWebhookSecret',
  },
  {
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    fn: 'api',
    auth: 'rep',
    operation: 'listWebhookDeliveries',
  },
  {
    method: 'POST',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    fn: 'api',
    auth: 'rep',
    operation: 'redeliverWebhook',
  },
] as const satisfies readonly Route[];

export type RouteDef = (typeof routes)[number];
export type OperationOf<F extends FunctionName> = Extract<RouteDef, { fn: F }>['operation'];

/** API Gateway's route key: `GET /deals/{id}`. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The functions that serve HTTP routes, each with its routes. */
export function routesOf(fn: FunctionName): Route[] {
  return routes.filter((r) => r.fn === fn);
}
