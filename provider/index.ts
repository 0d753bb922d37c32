/** Package entry point; filled in by the resources work. */
export const PACKAGE_NAME = "pulumi-webex-wholesale";
