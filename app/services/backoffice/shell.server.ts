import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { countStaffWork } from "../../models/dashboard.server";
import { getStaff } from "../auth/staff-auth.server";

/**
 * What the back office's shell shows on every page: the creditor, the signed-in member and the live
 * counts of what waits for a person. Null on the sign-in pages: the shell is for signed-in staff.
 */
export async function loadShell(db: Db, request: Request) {
  const at = now();
  const staff = await getStaff(db, request, at);
  if (!staff) return null;
  return { creditorName: staff.creditorName, staffName: staff.name, work: await countStaffWork(db, staff.creditorId, at) };
}
