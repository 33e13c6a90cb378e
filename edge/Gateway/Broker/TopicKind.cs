namespace Eldercare.Edge.Gateway.Broker;

public enum TopicKind
{
    NotAllowed,
    Events,
    Status,
}
