package marine

import (
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// CallParameters describe the particle a call serves. Modules read them
// through the host API's get_call_parameters.
type CallParameters struct {
	ParticleID string
	InitPeerID string
	// Timestamp is the particle's creation time in milliseconds since the
	// Unix epoch.
	Timestamp uint64
	// TTL is the particle's time to live in milliseconds.
	TTL       uint32
	Script    string
	Signature []byte
	Token     string

	ServiceID            string
	ServiceCreatorPeerID string
	HostID               string
	WorkerID             string
	// Tetraplets hold, for each argument, the origin of each value in it.
	Tetraplets [][]SecurityTetraplet
}

// SecurityTetraplet records where a value came from: the peer, service and
// function that produced it, and the lens applied to the result.
type SecurityTetraplet struct {
	PeerPK       string
	ServiceID    string
	FunctionName string
	Lens         string
}

// hostAPI is a version of the host API: a namespace and the layout of
// CallParameters it serves.
type hostAPI struct {
	namespace string
	// records holds the CallParameters record at index 0 and the records
	// it refers to.
	records *it.Section
	value   func(p *CallParameters) ivalue.Record
}

var (
	str = it.TypeString

	tetrapletRecord = &it.RecordType{Name: "SecurityTetraplet", Fields: []it.Field{
		{Name: "peer_pk", Type: str}, {Name: "service_id", Type: str}, {Name: "function_name", Type: str}, {Name: "lens", Type: str},
	}}
	tetraplets = it.ArrayOf(it.ArrayOf(it.RecordRef(1)))

	// v0 and v1 put the particle's fields at the top level.
	paramsV0 = &it.Section{Types: []it.TypeDef{
		{Record: &it.RecordType{Name: "CallParameters", Fields: []it.Field{
			{Name: "init_peer_id", Type: str}, {Name: "service_id", Type: str}, {Name: "service_creator_peer_id", Type: str},
			{Name: "host_id", Type: str}, {Name: "particle_id", Type: str}, {Name: "tetraplets", Type: tetraplets},
		}}},
		{Record: tetrapletRecord},
	}}
	paramsV1 = &it.Section{Types: []it.TypeDef{
		{Record: &it.RecordType{Name: "CallParameters", Fields: []it.Field{
			{Name: "init_peer_id", Type: str}, {Name: "service_id", Type: str}, {Name: "service_creator_peer_id", Type: str},
			{Name: "host_id", Type: str}, {Name: "worker_id", Type: str}, {Name: "particle_id", Type: str}, {Name: "tetraplets", Type: tetraplets},
		}}},
		{Record: tetrapletRecord},
	}}
	// v2 and v3 nest them in a ParticleParameters record.
	paramsV2 = &it.Section{Types: []it.TypeDef{
		{Record: &it.RecordType{Name: "CallParameters", Fields: []it.Field{
			{Name: "particle", Type: it.RecordRef(2)}, {Name: "service_id", Type: str}, {Name: "service_creator_peer_id", Type: str},
			{Name: "host_id", Type: str}, {Name: "worker_id", Type: str}, {Name: "tetraplets", Type: tetraplets},
		}}},
		{Record: tetrapletRecord},
		{Record: &it.RecordType{Name: "ParticleParameters", Fields: []it.Field{
			{Name: "id", Type: str}, {Name: "init_peer_id", Type: str}, {Name: "timestamp", Type: it.TypeU64},
			{Name: "ttl", Type: it.TypeU32}, {Name: "script", Type: str}, {Name: "signature", Type: it.TypeByteArray},
			{Name: "token", Type: str},
		}}},
	}}
)

func tetrapletValues(p *CallParameters) ivalue.Array {
	out := make(ivalue.Array, len(p.Tetraplets))
	for i, ts := range p.Tetraplets {
		inner := make(ivalue.Array, len(ts))
		for j, t := range ts {
			inner[j] = ivalue.Record{ivalue.String(t.PeerPK), ivalue.String(t.ServiceID), ivalue.String(t.FunctionName), ivalue.String(t.Lens)}
		}
		out[i] = inner
	}
	return out
}

func paramsV2Value(p *CallParameters) ivalue.Record {
	sig := p.Signature
	if sig == nil {
		sig = []byte{}
	}
	return ivalue.Record{
		ivalue.Record{ivalue.String(p.ParticleID), ivalue.String(p.InitPeerID), ivalue.U64(p.Timestamp), ivalue.U32(p.TTL),
			ivalue.String(p.Script), ivalue.ByteArray(sig), ivalue.String(p.Token)},
		ivalue.String(p.ServiceID), ivalue.String(p.ServiceCreatorPeerID), ivalue.String(p.HostID), ivalue.String(p.WorkerID),
		tetrapletValues(p),
	}
}

// hostAPIs are the namespaces the reference serves, oldest first.
var hostAPIs = []hostAPI{
	{namespace: "host", records: paramsV0, value: func(p *CallParameters) ivalue.Record {
		return ivalue.Record{ivalue.String(p.InitPeerID), ivalue.String(p.ServiceID), ivalue.String(p.ServiceCreatorPeerID),
			ivalue.String(p.HostID), ivalue.String(p.ParticleID), tetrapletValues(p)}
	}},
	{namespace: "__marine_host_api_v1", records: paramsV1, value: func(p *CallParameters) ivalue.Record {
		return ivalue.Record{ivalue.String(p.InitPeerID), ivalue.String(p.ServiceID), ivalue.String(p.ServiceCreatorPeerID),
			ivalue.String(p.HostID), ivalue.String(p.WorkerID), ivalue.String(p.ParticleID), tetrapletValues(p)}
	}},
	{namespace: "__marine_host_api_v2", records: paramsV2, value: paramsV2Value},
	{namespace: "__marine_host_api_v3", records: paramsV2, value: paramsV2Value},
}

func hostAPIByNamespace(ns string) (hostAPI, bool) {
	for _, h := range hostAPIs {
		if h.namespace == ns {
			return h, true
		}
	}
	return hostAPI{}, false
}
