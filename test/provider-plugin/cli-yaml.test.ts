/**
 * The provider plugin under the REAL Pulumi CLI (npm run pulumi:install, with its YAML host) against
 * the emulator: a Pulumi YAML program declaring the quickstart's template, customer and users, through
 * the shared harness (quickstart-under-cli.ts: create, no-change up, refused preview, import, refresh, destroy).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findCli } from "../../scripts/pulumi-cli";
import { describeQuickstartUnderCli } from "./quickstart-under-cli";

/** The quickstart (examples/quickstart) as Pulumi YAML; `companyName` is a parameter for the refused change. */
function program(pluginDir: string, companyName: string): string {
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
      packages: [{ name: webex_meetings }]
  claire:
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
  write: (progDir, pluginDir, companyName) => writeFileSync(join(progDir, "Pulumi.yaml"), program(pluginDir, companyName)),
});
