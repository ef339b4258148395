/** The back office's roles, in French, for the team page and its history. */
export const ROLE_LABELS = { owner: "Propriétaire", agent: "Agent", read_only: "Lecture seule" } as const;

export type StaffRole = keyof typeof ROLE_LABELS;
