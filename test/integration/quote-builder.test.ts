import { describe, expect, it } from 'vitest';
import { call } from '#test/api';
import { quotableDeal, rep } from '#test/fixtures';

describe('PATCH /quotes/{id}', () => {
  it("edits a draft's template, language, validity, texts and recipient, and the preview shows them", async () => {
    // Arrange
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const draft = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    // Act
    const res = await call('PATCH', `/quotes/${draft.id}`, {
      user: owner,
      body: {
        templateId: 'modern',
        locale: 'fr',
        validUntil: '2099-01-31',
        intro: 'Bonjour, voici notre offre <b>spéciale</b>.',
        recipient: { name: 'Paul Martin', email: 'paul@acme.example' },
      },
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'draft',
      templateId: 'modern',
      locale: 'fr',
      validUntil: '2099-01-31',
      intro: 'Bonjour, voici notre offre <b>spéciale</b>.',
      terms: draft.terms,
      recipient: { name: 'Paul Martin', email: 'paul@acme.example' },
      totals: draft.totals,
    });
    const preview = await call('GET', `/quotes/${draft.id}/preview`, { user: owner });
    expect(preview.text).toContain('Bonjour, voici notre offre &lt;b&gt;spéciale&lt;/b&gt;.');
    expect(preview.text).toContain('lang="fr-FR"');
  });

  it('refuses a sent quote (409), a bad template or date (422), another rep (404), and changes nothing', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const draft = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    const unknown = await call('PATCH', `/quotes/${draft.id}`, { user: owner, body: { templateId: 'nope' } });
    expect(unknown.status).toBe(422);
    const past = await call('PATCH', `/quotes/${draft.id}`, {
      user: owner,
      body: { validUntil: '2020-01-01' },
    });
    expect(past.status).toBe(422);
    expect(past.body.error.details[0].path).toBe('body.validUntil');
    const empty = await call('PATCH', `/quotes/${draft.id}`, { user: owner, body: {} });
    expect(empty.status).toBe(422);
    const stranger = await call('PATCH', `/quotes/${draft.id}`, { user: rep(), body: { intro: 'x' } });
    expect(stranger.status).toBe(404);
    expect((await call('GET', `/quotes/${draft.id}`, { user: owner })).body).toEqual(draft);

    await call('POST', `/quotes/${draft.id}/send`, { user: owner, body: { channel: 'link' } });
    const sent = await call('PATCH', `/quotes/${draft.id}`, { user: owner, body: { intro: 'Too late' } });
    expect(sent.status).toBe(409);
    expect(sent.body.error.code).toBe('quote_state');
    expect((await call('GET', `/quotes/${draft.id}`, { user: owner })).body.intro).toBe(draft.intro);
  });
});

describe('GET /quotes/{id}/email', () => {
  it("gives the template's subject and message in the quote's language, and renders the rep's own", async () => {
    // Arrange
    const owner = rep();
    const { deal, contact } = await quotableDeal(owner, { locale: 'fr' });
    const draft = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    // Act
    const defaults = await call('GET', `/quotes/${draft.id}/email`, { user: owner });
    const edited = await call('GET', `/quotes/${draft.id}/email`, {
      user: owner,
      query: { subject: 'Notre offre', message: 'Bonjour,\nla voici.' },
    });

    // Assert
    expect(defaults.status).toBe(200);
    expect(defaults.body.to).toBe(contact.email);
    expect(defaults.body.subject).toBe(defaults.body.defaultSubject);
    expect(defaults.body.defaultSubject).toContain(draft.number);
    expect(defaults.body.defaultMessage).toContain(contact.name);
    expect(defaults.body.text).toContain(defaults.body.defaultMessage.split('\n')[0]);
    expect(edited.body.subject).toBe('Notre offre');
    expect(edited.body.message).toBe('Bonjour,\nla voici.');
    expect(edited.body.text).toContain('la voici.');
    expect(edited.body.defaultSubject).toBe(defaults.body.defaultSubject);
    expect((await call('GET', `/quotes/${draft.id}/email`, { user: rep() })).status).toBe(404);
  });
});
