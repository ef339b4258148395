-- Epoch milliseconds overflowed PostgreSQL's integer: a window start is an instant, as everywhere else.
ALTER TABLE "rate_limits" ALTER COLUMN "window_start" SET DATA TYPE timestamp (3) with time zone USING to_timestamp("window_start" / 1000.0);
