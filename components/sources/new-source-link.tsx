"use client";
import Link from "next/link";
import { useCan } from "@/components/use-can";
import s from "@/components/sources/sources.module.css";

export function NewSourceLink() {
  if (!useCan("sources:write")) return null;
  return <Link className={s.buttonLink} href="/sources/new">New source</Link>;
}
