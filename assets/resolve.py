"""Resolution: all sources' records into organisations with stable registry IDs."""

import dagster as dg
from sqlmodel import Session

from assets.ingest import source_asset_key
from assets.metadata import OWNER, markdown_table
from assets.resources import RegistryDatabase
from assets.sources import CONNECTORS
from registry.identity.judgement_store import load_graph
from registry.identity.judgements import Judgement
from registry.identity.registry_ids import assign_registry_ids
from registry.identity.resolve import resolve
from registry.ingest.last_listed import last_listed_records
from registry.night import ResolvedNight, SourceBatch
from registry.store.run_lock import registry_version

RESOLVE_GROUP = "resolve"


@dg.asset(
    group_name=RESOLVE_GROUP,
    ins={f"source_{c.SPEC.name}": dg.AssetIn(key=source_asset_key(c.SPEC.name)) for c in CONNECTORS},
    kinds={"python"},
    owners=[OWNER],
    description=(
        "Records of all sources grouped into organisations with stable registry IDs. Candidate pairs come from "
        "blocking (rare name words, orgnr, web and mail domain, phone); each is scored with rapidfuzz and field "
        "agreement, with an explanation; confident pairs are judged by the matcher, uncertain ones wait for "
        "review (asf-registry review), people's judgements always win. Organisations are connected components "
        "of positive judgements, never across a negative one or two different valid organisationsnummer. "
        "A failed source contributes its last good records."
    ),
)
def resolved_organisations(
    context: dg.AssetExecutionContext, registry_db: RegistryDatabase, **batches: SourceBatch
) -> dg.Output[ResolvedNight]:
    ordered = [batches[name] for name in sorted(batches)]
    with Session(registry_db.engine()) as session:
        # Read before anything else: publishing refuses this night if another run published after this point.
        version = registry_version(session)
        records = []
        for batch in ordered:
            if batch.ok:
                records.extend(batch.records)
            else:
                kept = last_listed_records(session, batch.source)
                context.log.warning(f"source {batch.source} failed ({batch.error}); using its {len(kept)} last records")
                records.extend(kept)
        result = resolve(records, prior=load_graph(session))
        resolution = assign_registry_ids(session, result.clusters)
    for refused in result.refused:
        context.log.warning(f"link refused (negative judgement or different orgnr): {refused.pair}")
    waiting = [d for d in result.decisions if d.judgement is Judgement.UNSURE]
    multi_source = [o for o in resolution.organisations if len({m.source for m in o.cluster.members}) > 1]
    preview = markdown_table(
        (
            {
                "registry_id": o.registry_id,
                "records": len(o.cluster.members),
                "names": " / ".join(sorted({m.name for m in o.cluster.members})),
                "why": " | ".join(f"{link.decided_by}: {link.explanation}" for link in o.cluster.links),
            }
            for o in multi_source
        ),
        ("registry_id", "records", "names", "why"),
    )
    return dg.Output(
        ResolvedNight(batches=ordered, resolution=resolution, decisions=result.decisions, registry_version=version),
        metadata={
            "dagster/row_count": len(resolution.organisations),
            "records": len(records),
            "candidate_pairs_scored": len(result.scores),
            "judgements_changed": len(result.decisions),
            "new_pairs_waiting_for_review": len(waiting),
            "links_refused": len(result.refused),
            "organisations": len(resolution.organisations),
            "in_several_sources": len(multi_source),
            "redirects": len(resolution.redirects),
            "merged_across_sources": dg.MetadataValue.md(preview),
        },
    )
