import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { resolveTemplatesDir, templatesDir } from '#render/paths';
import { monogramOf, TemplateConfigError } from '#render/template-files';
import {
  getTemplate,
  listTemplates,
  loadTemplates,
  REGISTRY_FILE,
  registryFileText,
  UnknownTemplateError,
} from '#render/templates';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the real templates folder that a test may break. */
function copyOfTemplates(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'closer-templates-'));
  scratch.push(dir);
  cpSync(templatesDir(), dir, { recursive: true });
  return dir;
}

describe('template registry', () => {
  it('lists the classic and modern templates with defaults in both locales', () => {
    // Act
    const templates = listTemplates();

    // Assert
    expect(templates.map((t) => t.id)).toEqual(['classic', 'modern']);
    for (const t of templates) {
      expect(t.locales).toEqual(expect.arrayContaining(['en', 'fr']));
      expect(t.defaultIntro.en).not.toBe('');
      expect(t.defaultIntro.fr).not.toBe('');
      expect(t.defaultTerms.en).not.toBe('');
      expect(t.defaultTerms.fr).not.toBe('');
      expect(t.name.fr).not.toBe(t.name.en);
    }
  });

  it('throws UnknownTemplateError, a ValidationError, on an unknown id', () => {
    // Act
    const lookup = () => getTemplate('baroque');

    // Assert
    expect(lookup).toThrow(UnknownTemplateError);
    expect(lookup).toThrow(ValidationError);
    expect(lookup).toThrow('unknown template "baroque"');
  });

  it('never turns an id into a path: folders that are not templates are unknown', () => {
    for (const id of ['../templates/classic', 'locales', 'fonts', 'email', '', 'CLASSIC']) {
      expect(() => getTemplate(id), id).toThrow(UnknownTemplateError);
    }
  });

  it('gives the two templates clearly different looks', () => {
    // Act
    const classic = getTemplate('classic');
    const modern = getTemplate('modern');

    // Assert
    expect(classic.colors.primary).not.toBe(modern.colors.primary);
    expect([classic.pdf.header, classic.pdf.table]).toEqual(['letterhead', 'ruled']);
    expect([modern.pdf.header, modern.pdf.table]).toEqual(['band', 'zebra']);
    expect(classic.html).not.toBe(modern.html);
    expect(classic.css).not.toBe(modern.css);
  });

  it("applies a template's label overrides on top of the shared labels", () => {
    expect(getTemplate('modern').labels.en.client).toBe('Quote for');
    expect(getTemplate('classic').labels.en.client).toBe('Prepared for');
  });

  it('names the file at fault when ops break a template', () => {
    // Arrange
    const dir = copyOfTemplates();
    writeFileSync(path.join(dir, 'modern', 'template.json'), '{"name": {"en": "Modern"}}');

    // Act
    const load = () => loadTemplates(dir);

    // Assert
    expect(load).toThrow(TemplateConfigError);
    expect(load).toThrow(/modern[\\/]template\.json/);
  });

  it('refuses a template that prints anything unescaped', () => {
    for (const source of [
      '<p>{{{client.name}}}</p>',
      '<p>{{& client.name}}</p>',
      '<p>{{~&client.name}}</p>',
    ]) {
      // Arrange
      const dir = copyOfTemplates();
      writeFileSync(path.join(dir, 'modern', 'quote.hbs'), source);

      // Act / Assert
      expect(() => loadTemplates(dir), source).toThrow(/unescaped output/);
    }
  });

  it('loads a template added by ops as a new folder', () => {
    // Arrange
    const dir = copyOfTemplates();
    cpSync(path.join(dir, 'modern'), path.join(dir, 'minimal'), { recursive: true });

    // Act
    const ids = listTemplates(dir).map((t) => t.id);

    // Assert
    expect(ids).toEqual(['classic', 'minimal', 'modern']);
  });

  it('reads the seller logo from an image file named in seller.json', () => {
    // Arrange
    const dir = copyOfTemplates();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    writeFileSync(path.join(dir, 'logo.png'), png);
    writeFileSync(
      path.join(dir, 'seller.json'),
      JSON.stringify({ name: 'Logo Ltd', timeZone: 'Europe/London', logo: { image: 'logo.png' } }),
    );

    // Act
    const seller = getTemplate('classic', dir).seller;

    // Assert
    expect(seller.logo).toEqual({ kind: 'image', type: 'image/png', base64: png.toString('base64') });
  });

  it('refuses a logo path that leaves the templates directory', () => {
    // Arrange
    const dir = copyOfTemplates();
    writeFileSync(
      path.join(dir, 'seller.json'),
      JSON.stringify({ name: 'X', logo: { image: '../../etc/passwd' } }),
    );

    // Act / Assert
    expect(() => loadTemplates(dir)).toThrow(/outside the templates directory/);
  });

  it('refuses a seller time zone that Intl does not know', () => {
    // Arrange
    const dir = copyOfTemplates();
    writeFileSync(path.join(dir, 'seller.json'), JSON.stringify({ name: 'X', timeZone: 'Europe/Atlantis' }));

    // Act / Assert
    expect(() => loadTemplates(dir)).toThrow(/Europe\/Atlantis/);
  });

  it('derives a monogram from the first two words of the name', () => {
    expect(monogramOf('Atelier Closer SAS')).toBe('AC');
    expect(monogramOf('łódź & co')).toBe('ŁC');
  });
});

describe('the registry file (templates checked at build time)', () => {
  it('loads the templates its folders gave, with paths in its own directory', () => {
    // Arrange: the folders read and checked, written to the file as the bundles' preparation does.
    const source = copyOfTemplates();
    const fromFolders = loadTemplates(source);
    const prepared = copyOfTemplates();
    writeFileSync(path.join(prepared, REGISTRY_FILE), registryFileText(fromFolders, source));
    // Proof that the file is read, not the folders: the folders no longer pass the checks.
    writeFileSync(path.join(prepared, 'classic', 'template.json'), '{"name": 1}');

    // Act
    const fromFile = loadTemplates(prepared);

    // Assert
    expect([...fromFile.keys()]).toEqual([...fromFolders.keys()]);
    for (const [id, template] of fromFile) {
      const original = fromFolders.get(id);
      if (!original) throw new Error(`no ${id}`);
      const at = (file: string) => path.join(prepared, path.relative(source, file));
      expect(template).toEqual({
        ...original,
        root: prepared,
        pdf: {
          ...original.pdf,
          fonts: {
            regular: at(original.pdf.fonts.regular),
            bold: at(original.pdf.fonts.bold),
            heading: at(original.pdf.fonts.heading),
          },
        },
      });
      expect(existsSync(template.pdf.fonts.regular)).toBe(true);
    }
  });
});

describe('resolveTemplatesDir', () => {
  it('uses TEMPLATES_DIR when it is set (the Lambda bundle)', () => {
    expect(resolveTemplatesDir({ TEMPLATES_DIR: '/var/task/templates' })).toBe('/var/task/templates');
  });

  it('falls back to the repository templates folder, relative to the module', () => {
    // Arrange
    const moduleUrl = pathToFileURL('/repo/functions/render/paths.ts').href;

    // Act
    const dir = resolveTemplatesDir({}, moduleUrl);

    // Assert
    expect(dir).toBe(path.resolve('/repo/templates'));
    expect(resolveTemplatesDir({ TEMPLATES_DIR: '' }, moduleUrl)).toBe(path.resolve('/repo/templates'));
  });
});
