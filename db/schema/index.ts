export * from "./creditors";
export * from "./debtors";
export * from "./invoices";
export * from "./cadence";
export * from "./links";
export * from "./messages";
export * from "./agreements";
export * from "./events";
