/** Valid CustomerLocation arguments, shared by the location tests (fresh copies each call). */
export function locationArgs(): Record<string, unknown> {
  return {
    customerId: "cust-1",
    name: "Denver",
    timeZone: "America/Denver",
    preferredLanguage: "en_US",
    announcementLanguage: "en_US",
    address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
    calling: {
      pstnConnectionId: "lgw-1",
      numbers: [
        { number: "+13035550100", state: "ACTIVE" },
        { number: "+13035550101", state: "ACTIVE" },
      ],
      mainNumber: "+13035550100",
    },
  };
}

/** The arguments with a changed calling block. */
export function withCalling(calling: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...locationArgs(), calling };
}
