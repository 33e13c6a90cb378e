namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's words, Chinese first (the staff are Chinese) and English second: one table, used by the server's pages
/// and handed to the page script as JSON, so a label exists once per language.
/// </summary>
public static class ConsoleText
{
    public const string Chinese = "zh";
    public const string English = "en";

    private static readonly Dictionary<string, (string Zh, string En)> Table = new(StringComparer.Ordinal)
    {
        ["title"] = ("社区养老服务站 · 报警台", "Community service center · alarm desk"),
        ["login"] = ("登录", "Sign in"),
        ["user"] = ("用户名", "User name"),
        ["password"] = ("密码", "Password"),
        ["logout"] = ("退出", "Sign out"),
        ["refused"] = ("用户名或密码错误", "Wrong user name or password"),
        ["locked"] = ("账户已锁定，请稍后再试或联系管理员", "Account locked: try later or ask an admin"),
        ["switch"] = ("English", "中文"),
        ["queue"] = ("报警队列", "Alarm queue"),
        ["services"] = ("服务请求", "Service requests"),
        ["closed"] = ("最近处理", "Recently closed"),
        ["none"] = ("暂无", "None"),
        ["take"] = ("接警", "Take"),
        ["accept"] = ("受理", "Accept"),
        ["note"] = ("备注", "Note"),
        ["add_note"] = ("添加备注", "Add note"),
        ["close"] = ("结案", "Close"),
        ["assign"] = ("派单", "Assign"),
        ["done"] = ("完成", "Done"),
        ["enable_sound"] = ("开启提示音", "Enable sound"),
        ["sound_on"] = ("提示音已开启", "Sound on"),
        ["waiting"] = ("已等待", "Waiting"),
        ["taken_by"] = ("接警人", "Taken by"),
        ["escalated"] = ("已升级 · 请主管处理", "Escalated · supervisor"),
        ["platform_ack"] = ("平台已确认", "Acknowledged by the platform"),
        ["battery"] = ("电量", "Battery"),
        ["device"] = ("设备", "Device"),
        ["address"] = ("住址", "Address"),
        ["contacts"] = ("紧急联系人", "Emergency contacts"),
        ["position"] = ("最后位置", "Last position"),
        ["map"] = ("地图", "Map"),
        ["unknown_elder"] = ("未登记老人", "Elder not on record"),
        ["card.on_record"] = ("已登记的卡", "Card on record"),
        ["card.not_on_record"] = ("未登记的卡：请核实是谁", "Card not on record: check who this is"),
        ["provider"] = ("服务商", "Provider"),
        ["link_down"] = ("与市平台的连接中断：报警暂存在本地，恢复后自动转发", "The city platform is unreachable: alarms are held here and will be forwarded"),
        ["held"] = ("暂存报警", "Alarms held"),
        ["oldest"] = ("最早", "oldest"),
        ["stream_lost"] = ("与网关的实时连接中断，正在重连……新报警可能尚未显示", "Live connection to the gateway lost, reconnecting… new alarms may not show yet"),
        ["link_up"] = ("市平台连接正常", "City platform connected"),
        ["today"] = ("今日报警", "Alarms today"),
        ["median"] = ("接警中位时间", "Median time to take"),
        ["worst"] = ("最长", "Worst"),
        ["within60"] = ("60秒内接警", "Taken within 60 s"),
        ["elders"] = ("老人与设备", "Elders & devices"),
        ["desk"] = ("报警台", "Desk"),
        ["admin"] = ("管理", "Admin"),
        ["audit"] = ("操作记录", "Audit trail"),
        ["import"] = ("导入老人档案 (CSV)", "Import elders' records (CSV)"),
        ["upload"] = ("上传", "Upload"),
        ["users"] = ("操作员", "Operators"),
        ["add_user"] = ("添加/修改操作员", "Add or change an operator"),
        ["role"] = ("角色", "Role"),
        ["save"] = ("保存", "Save"),
        ["name"] = ("姓名", "Name"),
        ["record_no"] = ("档案号", "Record no."),
        ["cards"] = ("卡", "Cards"),
        ["devices"] = ("设备", "Devices"),
        ["last_seen"] = ("最后在线", "Last seen"),
        ["firmware"] = ("固件", "Firmware"),
        ["signal"] = ("信号", "Signal"),
        ["online"] = ("在线", "Online"),
        ["offline"] = ("离线", "Offline"),
        ["open_alarms"] = ("未结报警", "Open alarms"),
        ["history"] = ("历史", "History"),
        ["time"] = ("时间", "Time"),
        ["action"] = ("操作", "Action"),
        ["subject"] = ("对象", "Subject"),
        ["detail"] = ("详情", "Detail"),
        ["state"] = ("状态", "State"),
        ["outcome"] = ("结果", "Outcome"),
        ["imported"] = ("已导入", "Imported"),
        ["role.operator"] = ("操作员", "operator"),
        ["role.supervisor"] = ("主管", "supervisor"),
        ["role.admin"] = ("管理员", "admin"),
        ["type.sos"] = ("紧急呼救", "SOS"),
        ["type.fall"] = ("跌倒", "Fall"),
        ["type.geofence"] = ("离开安全区域", "Left safe zone"),
        ["type.wellness"] = ("长时间未活动", "No activity"),
        ["type.device_offline"] = ("设备离线", "Device offline"),
        ["type.service"] = ("服务请求", "Service request"),
        ["svc.meal"] = ("助餐", "Meals"),
        ["svc.clean"] = ("助洁", "Cleaning"),
        ["svc.bath"] = ("助浴", "Bathing"),
        ["svc.medical"] = ("助医", "Medical"),
        ["svc.travel"] = ("助行", "Travel"),
        ["svc.shop"] = ("助购", "Shopping"),
        ["state.open"] = ("待接警", "Waiting"),
        ["state.taken"] = ("处理中", "Taken"),
        ["state.escalated"] = ("已升级", "Escalated"),
        ["state.closed"] = ("已结案", "Closed"),
        ["state.service.open"] = ("待受理", "Waiting"),
        ["state.service.taken"] = ("已受理", "Accepted"),
        ["state.service.closed"] = ("已完成", "Done"),
        ["outcome.false_alarm"] = ("误报", "False alarm"),
        ["outcome.resolved_phone"] = ("电话解决", "Resolved on the phone"),
        ["outcome.visit"] = ("上门探视", "Visit"),
        ["outcome.ambulance"] = ("已叫救护车", "Ambulance called"),
        ["outcome.done"] = ("已完成", "Done"),
        ["outcome.cancelled"] = ("老人已取消", "Cancelled by the elder"),
        ["outcome.back_online"] = ("设备已恢复在线", "Device back online"),
    };

    /// <summary>"en" when asked for, else Chinese.</summary>
    public static string Language(string? requested) => requested == English ? English : Chinese;

    public static string Get(string language, string key) =>
        Table.TryGetValue(key, out var text) ? (language == English ? text.En : text.Zh) : key;

    /// <summary>Every word in one language (for the page script).</summary>
    public static IReadOnlyDictionary<string, string> All(string language) =>
        Table.ToDictionary(p => p.Key, p => language == English ? p.Value.En : p.Value.Zh, StringComparer.Ordinal);
}
