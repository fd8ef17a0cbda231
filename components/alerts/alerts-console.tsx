"use client";
/** The alerts page: recent deliveries (failures first), channels, rules and silences. */
import { ChannelsPanel } from "@/components/alerts/channels-panel";
import { RulesPanel } from "@/components/alerts/rules-panel";
import { SilencesPanel } from "@/components/alerts/silences-panel";
import { DeliveryTable } from "@/components/alerts/delivery-table";
import { useRecentDeliveries } from "@/components/alerts/use-alerts";
import type { Named } from "@/components/alerts/rule-form";

export function AlertsConsole({ detectors, sources }: { detectors: Named[]; sources: Named[] }) {
  const deliveries = useRecentDeliveries();
  return (
    <>
      <h1>Alerts</h1>
      <section className="panel" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Recent deliveries <span className="muted">(failures first)</span></h2>
        {deliveries.error && <p className="error" role="alert">{deliveries.error.message}</p>}
        {deliveries.data && <DeliveryTable rows={deliveries.data} showAnomaly label="Recent deliveries" />}
      </section>
      <ChannelsPanel />
      <RulesPanel detectors={detectors} sources={sources} />
      <SilencesPanel />
    </>
  );
}
