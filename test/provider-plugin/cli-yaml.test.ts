/**
 * The provider plugin under the REAL Pulumi CLI (npm run pulumi:install, with its YAML host) against
 * the emulator: a Pulumi YAML program declaring the quickstart's template, customer, users and second
 * site, through the shared harness (quickstart-under-cli.ts: create, no-change up, refused preview,
 * imports, refresh, destroy).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findCli } from "../../scripts/pulumi-cli";
import { describeQuickstartUnderCli, IMPORTED_SITE, SITE } from "./quickstart-under-cli";

/**
 * The quickstart (examples/quickstart) as Pulumi YAML, with a second site; `companyName` is a
 * parameter for the refused change, `imported` declares the location the harness imports.
 */
function program(pluginDir: string, companyName: string, imported = false): string {
  // YAML has no list comprehension: the user's `locationNumbers` repeats the site's numbers, as
  // strings, so the preview checks its number against them.
  const [main, second] = SITE.numbers;
  return `name: webex-quickstart-yaml
runtime: yaml
plugins:
  providers:
    - name: webex-wholesale
      path: ${pluginDir}
resources:
  smb-emea:
    type: webex-wholesale:index:OnboardingTemplate
    properties:
      templateName: SMB EMEA
      serviceProviderAdmin: ops@partner.example
      countryCode: FR
      defaultEmailLanguage: fr_FR
      wholesaleSubscriptionId: Sub-EMEA-0001
      emailBrandName: Partner Voice
  quickstart-001:
    type: webex-wholesale:index:CustomerOrg
    properties:
      provisioningId: \${smb-emea.provisioningId}
      externalId: quickstart-001
      companyName: ${companyName}
      adminEmail: claire@quickstart-bistro.example
      language: fr_FR
      supportedLocationConfirmed: true
      address: { line1: 3 rue du Port, city: Marseille, postalCode: "13002", country: FR }
      packages: [{ name: webex_meetings }, { name: webex_voice }]
      headquarters: { timeZone: Europe/Paris }
  lyon:
    type: webex-wholesale:index:CustomerLocation
    properties:
      customerId: \${quickstart-001.id}
      name: ${SITE.name}
      timeZone: Europe/Paris
      preferredLanguage: fr_FR
      announcementLanguage: fr_FR
      address: { address1: 10 quai Saint-Antoine, city: Lyon, state: ARA, postalCode: "69002", country: FR }
      calling:
        pstnConnectionId: lgw-1
        numbers: [{ number: "${main}" }, { number: "${second}" }]
        mainNumber: "${main}"
  lea:
    type: webex-wholesale:index:CustomerUser
    properties:
      customerId: \${quickstart-001.id}
      email: ${SITE.user}
      firstName: Lea
      lastName: Morel
      package: webex_voice
      locationId: \${lyon.locationId}
      locationNumbers: ["${main}", "${second}"]
      phoneNumber: "${second}"
      extension: "2001"
${
  imported
    ? `  nice:
    type: webex-wholesale:index:CustomerLocation
    properties: ${JSON.stringify({ customerId: "${quickstart-001.id}", ...IMPORTED_SITE })}
`
    : ""
}  claire:
    type: webex-wholesale:index:CustomerUser
    properties:
      customerId: \${quickstart-001.id}
      email: claire@quickstart-bistro.example
      firstName: Claire
      lastName: Morel
      package: webex_meetings
      administrator: true
  hugo:
    type: webex-wholesale:index:CustomerUser
    properties:
      customerId: \${quickstart-001.id}
      email: hugo@quickstart-bistro.example
      firstName: Hugo
      lastName: Morel
      package: webex_meetings
outputs:
  customerId: \${quickstart-001.customerId}
`;
}

const cli = findCli();
describeQuickstartUnderCli({
  language: "YAML",
  missing: cli.found && !cli.yamlHost ? "the YAML language host is not built (npm run pulumi:install -- --yaml)" : undefined,
  write: (progDir, pluginDir, companyName, imported) =>
    writeFileSync(join(progDir, "Pulumi.yaml"), program(pluginDir, companyName, imported)),
});
