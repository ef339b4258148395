// remix-serve's own dependencies, used the same way by scripts/http-server.ts; they ship no types.
declare module "express";
declare module "compression";
declare module "morgan";
