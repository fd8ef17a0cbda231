-- Supervised assist (issue 16 item 6): a suppression rule may carry a classifier trained on labels.
ALTER TABLE "SuppressionRule" ADD COLUMN "classifier" JSONB;
