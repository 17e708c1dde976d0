"""Build the CONSTRUCTED corpus plans from one source: the Python data in this file.

The two plans here are not real documents. They were written for the project (2026-11) to test
appendix tables ("Phụ lục" with a task table: group rows, vertically merged "Cơ quan chủ trì"
cells, a table split across pages with its header row repeated). The wards are real ward names of
Hải Phòng, but every number, date, person and cited city document is invented.

For each plan this script writes, deterministically:

* ``corpus/txt/<stem>.txt``   plain-text rendition (one paragraph a line; the appendix table as a
                              Markdown pipe table, merged continuation cells left empty);
* ``corpus/docx/<stem>.docx`` the Word document (python-docx): borderless two-column header table,
                              body paragraphs, recipients | signature table, a landscape section
                              holding the appendix table ('Table Grid', real merges, repeated
                              header row);
* ``corpus/pdf/<stem>.pdf``   the .docx printed by LibreOffice (``soffice --headless``).

Timestamps are fixed (docx core properties and zip entries; PDF /CreationDate, /ModDate, /ID), so
rebuilding gives the same bytes for the same LibreOffice version.

The gold files ``gold/<stem>.yaml`` point into the .txt by character offsets: a change to a plan's
text must be followed by re-annotating the records it moves (``python3 -m
plan_extract.evaluate.gold check gold/<stem>.yaml`` lists them).

Usage (from the repository root)::

    python3 tools/build_constructed.py            # all plans, all renditions
    python3 tools/build_constructed.py --no-pdf   # skip LibreOffice
"""
from __future__ import annotations

from docx_common import a4_document, fixed_widths, no_borders  # a sibling module: tools/ is sys.path[0] when the script runs

import argparse
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

SAME = None  # a "Cơ quan chủ trì" cell merged with the one above

# --------------------------------------------------------------------------- plan data


@dataclass
class Plan:
    stem: str
    style: str                      # "plain" (text keeps the header) | "md" (markdown artifacts, header lost)
    ward: str                       # "Hồng Bàng"
    number: str                     # "18"
    place_date: str                 # "Hồng Bàng, ngày 12 tháng 01 năm 2026"
    issued: dt.datetime
    title: list[str]                # trích yếu lines
    body: list[tuple]               # (kind, text)
    recipients: list[str]
    signature: list[str]            # authority and title lines
    signer: str
    appendix_title: list[str]       # title lines after "PHỤ LỤC"
    appendix_note: str              # "(Kèm theo …)"
    rows: list[tuple]               # ("group", label, text) | ("task", stt, content, lead, support, deadline, product)
    author: str = ""


HONG_BANG = Plan(
    stem="constructed-hong-bang-2026-kh-chuyen-doi-so",
    style="plain",
    ward="Hồng Bàng",
    number="18",
    place_date="Hồng Bàng, ngày 12 tháng 01 năm 2026",
    issued=dt.datetime(2026, 1, 12, 8, 0, 0),
    title=["Thực hiện chuyển đổi số, phát triển chính quyền số",
           "trên địa bàn phường Hồng Bàng năm 2026"],
    body=[
        ("para", "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;"),
        ("para", "Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030;"),
        ("para", "Căn cứ Kế hoạch số 210/KH-UBND ngày 05/01/2026 của Ủy ban nhân dân thành phố Hải Phòng về chuyển đổi số, phát triển chính quyền số thành phố năm 2026;"),
        ("para", "Căn cứ Nghị quyết số 05-NQ/ĐU ngày 26/12/2025 của Đảng ủy phường Hồng Bàng về phương hướng, nhiệm vụ năm 2026;"),
        ("para", "Ủy ban nhân dân phường Hồng Bàng ban hành Kế hoạch thực hiện chuyển đổi số, phát triển chính quyền số trên địa bàn phường năm 2026, cụ thể như sau:"),
        ("h1", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("h2", "1. Mục đích"),
        ("para", "- Triển khai đồng bộ, hiệu quả các nhiệm vụ chuyển đổi số của thành phố trên địa bàn phường; gắn chuyển đổi số với cải cách hành chính, xây dựng chính quyền số, kinh tế số và xã hội số."),
        ("para", "- Nâng cao chất lượng cung cấp dịch vụ công trực tuyến, khai thác hiệu quả dữ liệu dân cư phục vụ người dân, doanh nghiệp; từng bước hình thành chính quyền phường vận hành dựa trên dữ liệu."),
        ("h2", "2. Yêu cầu"),
        ("para", "- Xác định rõ nhiệm vụ, thời hạn hoàn thành, sản phẩm và trách nhiệm của từng cơ quan, đơn vị; người đứng đầu trực tiếp chỉ đạo và chịu trách nhiệm về kết quả chuyển đổi số của cơ quan, đơn vị mình."),
        ("para", "- Bảo đảm an toàn, an ninh thông tin mạng trong quá trình triển khai; huy động sự tham gia của các Tổ dân phố, Tổ công nghệ số cộng đồng và người dân."),
        ("h1", "II. CHỈ TIÊU"),
        ("para", "1. 100% hồ sơ công việc tại Ủy ban nhân dân phường (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước) được xử lý trên môi trường mạng."),
        ("para", "2. Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình đạt từ 95% trở lên đối với các thủ tục đủ điều kiện."),
        ("para", "3. Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt 100%; tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa đạt tối thiểu 80%."),
        ("para", "4. Số người dân được kích hoạt tài khoản định danh điện tử mức độ 2 tăng 15-17% so với năm 2025."),
        ("para", "5. Tỷ lệ thanh toán trực tuyến trong giải quyết thủ tục hành chính có phát sinh phí, lệ phí đạt trên 70%."),
        ("para", "6. Phấn đấu 100% hộ kinh doanh trên địa bàn phường sử dụng hóa đơn điện tử, thanh toán không dùng tiền mặt; hỗ trợ ít nhất 50 hộ kinh doanh đưa sản phẩm lên sàn thương mại điện tử."),
        ("para", "7. Chỉ số chuyển đổi số (DTI) của phường đứng trong nhóm 30 địa phương dẫn đầu thành phố."),
        ("para", "8. Duy trì 100% Tổ dân phố có Tổ công nghệ số cộng đồng hoạt động hiệu quả."),
        ("para", "9. Không để xảy ra sự cố mất an toàn thông tin mạng nghiêm trọng trên các hệ thống thông tin do phường quản lý."),
        ("h1", "III. NHIỆM VỤ, GIẢI PHÁP"),
        ("h2", "1. Nâng cao nhận thức, hoàn thiện thể chế và tổ chức bộ máy"),
        ("para", "Quán triệt, tuyên truyền sâu rộng đến cán bộ, công chức, người lao động và Nhân dân về vai trò, ý nghĩa của chuyển đổi số; đưa nhiệm vụ chuyển đổi số vào chương trình công tác của từng cơ quan, đơn vị. Hoàn thành kiện toàn Ban Chỉ đạo chuyển đổi số phường và Tổ công nghệ số cộng đồng tại các Tổ dân phố trong Quý I/2026."),
        ("h2", "2. Phát triển hạ tầng số, dữ liệu số"),
        ("para", "Rà soát, nâng cấp hạ tầng công nghệ thông tin tại trụ sở Ủy ban nhân dân phường và Trung tâm Phục vụ hành chính công phường bảo đảm kết nối thông suốt, an toàn. Tập trung cập nhật, làm sạch, khai thác dữ liệu dân cư và các cơ sở dữ liệu chuyên ngành; từng bước hình thành kho dữ liệu dùng chung của phường."),
        ("h2", "3. Phát triển chính quyền số, kinh tế số và xã hội số"),
        ("para", "Đẩy mạnh cung cấp và sử dụng dịch vụ công trực tuyến, phấn đấu 100% thủ tục hành chính đủ điều kiện được cung cấp dưới dạng dịch vụ công trực tuyến toàn trình; vận hành hiệu quả Hệ thống quản lý văn bản và điều hành, chữ ký số trong toàn bộ các cơ quan, đơn vị."),
        ("para", "Hỗ trợ hộ kinh doanh, doanh nghiệp nhỏ ứng dụng nền tảng số, thương mại điện tử, thanh toán không dùng tiền mặt; phát huy vai trò của Tổ công nghệ số cộng đồng trong hướng dẫn người dân sử dụng các nền tảng số thiết yếu."),
        ("h2", "4. Bảo đảm an toàn thông tin mạng"),
        ("para", "Triển khai bảo đảm an toàn hệ thống thông tin theo cấp độ; thường xuyên kiểm tra, khắc phục các điểm yếu, lỗ hổng bảo mật; nâng cao nhận thức, kỹ năng phòng, chống lừa đảo trực tuyến cho cán bộ, công chức và Nhân dân."),
        ("note", "(Chi tiết tại Phụ lục kèm theo)"),
        ("h1", "IV. TỔ CHỨC THỰC HIỆN"),
        ("h2", "1. Phòng Văn hóa - Xã hội:"),
        ("para", "- Chủ trì, phối hợp với các cơ quan, đơn vị triển khai thực hiện Kế hoạch; theo dõi, đôn đốc, hướng dẫn việc thực hiện các nhiệm vụ tại Phụ lục kèm theo."),
        ("para", "- Tham mưu Ủy ban nhân dân phường tổ chức sơ kết, tổng kết việc thực hiện Kế hoạch; đề xuất khen thưởng tập thể, cá nhân có thành tích tiêu biểu trong chuyển đổi số."),
        ("para", "- Tổng hợp, báo cáo UBND phường kết quả thực hiện Kế hoạch trước ngày 15/12/2026."),
        ("para", "2. Giao Công an phường chủ trì triển khai các nhiệm vụ của Đề án 06 trên địa bàn phường; phối hợp với Trung tâm Phục vụ hành chính công phường hướng dẫn người dân kích hoạt, sử dụng tài khoản định danh điện tử mức độ 2."),
        ("para", "3. Giao Phòng Kinh tế, Hạ tầng và Đô thị tham mưu Ủy ban nhân dân phường bố trí kinh phí thực hiện Kế hoạch trong dự toán ngân sách phường năm 2026; phối hợp với Thuế cơ sở 3 thành phố Hải Phòng hướng dẫn hộ kinh doanh sử dụng hóa đơn điện tử."),
        ("para", "4. Các cơ quan, đơn vị thuộc phường căn cứ nhiệm vụ được giao tại Phụ lục kèm theo chủ động xây dựng kế hoạch chi tiết, tổ chức thực hiện; báo cáo kết quả định kỳ hằng quý về Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội)."),
        ("para", "5. Đề nghị Ủy ban MTTQ Việt Nam phường và các tổ chức chính trị - xã hội phường phối hợp tuyên truyền, vận động đoàn viên, hội viên và Nhân dân tích cực sử dụng dịch vụ công trực tuyến, các nền tảng số thiết yếu."),
        ("para", "Trên đây là Kế hoạch thực hiện chuyển đổi số, phát triển chính quyền số trên địa bàn phường Hồng Bàng năm 2026. Trong quá trình triển khai, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời báo cáo Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) để xem xét, chỉ đạo./."),
    ],
    recipients=[
        "- Sở Khoa học và Công nghệ (để b/c);",
        "- TT Đảng ủy, TT HĐND phường;",
        "- CT, các PCT UBND phường;",
        "- Ủy ban MTTQ Việt Nam phường;",
        "- Các cơ quan, đơn vị thuộc phường;",
        "- Các Tổ dân phố;",
        "- Lưu: VT, VHXH.",
    ],
    signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    signer="Trần Minh Đức",
    appendix_title=["DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ TRÊN ĐỊA BÀN PHƯỜNG HỒNG BÀNG NĂM 2026"],
    appendix_note="(Kèm theo Kế hoạch số 18/KH-UBND ngày 12/01/2026 của Ủy ban nhân dân phường Hồng Bàng)",
    rows=[
        ("group", "I", "NHIỆM VỤ VỀ NHẬN THỨC, THỂ CHẾ VÀ TỔ CHỨC BỘ MÁY"),
        ("task", "1", "Kiện toàn Ban Chỉ đạo chuyển đổi số phường; ban hành Quy chế hoạt động và phân công nhiệm vụ các thành viên",
         "Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND phường", "Quý I/2026", "Quyết định kiện toàn; Quy chế hoạt động"),
        ("task", "2", "Kiện toàn, duy trì hoạt động của Tổ công nghệ số cộng đồng tại các Tổ dân phố",
         SAME, "Ủy ban MTTQ Việt Nam phường; Tổ dân phố", "Tháng 3/2026", "Quyết định kiện toàn Tổ công nghệ số cộng đồng"),
        ("task", "3", "Tuyên truyền, phổ biến về chuyển đổi số, kỹ năng số, an toàn thông tin trên hệ thống thông tin cơ sở, trang thông tin điện tử và mạng xã hội của phường",
         SAME, "Đoàn Thanh niên phường; Tổ dân phố", "Thường xuyên", "Tin, bài, phóng sự tuyên truyền"),
        ("task", "4", "Tổ chức bồi dưỡng kỹ năng số, sử dụng nền tảng số cho cán bộ, công chức phường và thành viên Tổ công nghệ số cộng đồng",
         "Văn phòng HĐND và UBND phường", "Phòng Văn hóa - Xã hội", "Quý II/2026", "Lớp bồi dưỡng; danh sách học viên"),
        ("group", "II", "NHIỆM VỤ VỀ HẠ TẦNG SỐ VÀ DỮ LIỆU SỐ"),
        ("task", "5", "Rà soát, nâng cấp trang thiết bị công nghệ thông tin, đường truyền mạng nội bộ tại trụ sở Ủy ban nhân dân phường và Trung tâm Phục vụ hành chính công phường",
         "Văn phòng HĐND và UBND phường", "Phòng Kinh tế, Hạ tầng và Đô thị", "Quý II/2026", "Báo cáo rà soát; thiết bị được nâng cấp"),
        ("task", "6", "Triển khai phòng họp không giấy tờ, hội nghị trực tuyến kết nối từ phường đến các Tổ dân phố",
         SAME, "Phòng Văn hóa - Xã hội; Tổ dân phố", "Trước ngày 30/9/2026", "Hệ thống phòng họp trực tuyến được vận hành"),
        ("task", "7", "Cập nhật, làm sạch dữ liệu dân cư, bảo đảm dữ liệu \"đúng, đủ, sạch, sống\"; chia sẻ dữ liệu với các cơ sở dữ liệu chuyên ngành",
         "Công an phường", "Tổ dân phố; Trung tâm Phục vụ hành chính công phường", "Thường xuyên", "Dữ liệu dân cư được cập nhật"),
        ("task", "8", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực; phấn đấu tỷ lệ số hóa hồ sơ đạt 100%",
         "Trung tâm Phục vụ hành chính công phường", "Các phòng chuyên môn", "Tháng 6/2026", "Kho dữ liệu số hóa"),
        ("task", "9", "Xây dựng cơ sở dữ liệu về đất đai, nhà ở, hạ tầng đô thị trên nền tảng bản đồ số của phường",
         "Phòng Kinh tế, Hạ tầng và Đô thị", "Công an phường; Tổ dân phố", "Quý IV/2026", "Cơ sở dữ liệu; bản đồ số"),
        ("task", "10", "Cập nhật cơ sở dữ liệu về người có công, đối tượng bảo trợ xã hội, hộ nghèo, hộ cận nghèo và trẻ em",
         "Phòng Văn hóa - Xã hội", "Tổ dân phố", "Hằng quý", "Cơ sở dữ liệu được cập nhật"),
        ("group", "III", "NHIỆM VỤ VỀ PHÁT TRIỂN CHÍNH QUYỀN SỐ, KINH TẾ SỐ VÀ XÃ HỘI SỐ"),
        ("task", "11", "Vận hành Hệ thống quản lý văn bản và điều hành; ký số, gửi, nhận văn bản điện tử giữa các cơ quan, đơn vị",
         "Văn phòng HĐND và UBND phường", "Các cơ quan, đơn vị thuộc phường", "Thường xuyên", "Văn bản điện tử có chữ ký số"),
        ("task", "12", "Hướng dẫn người dân, doanh nghiệp thực hiện dịch vụ công trực tuyến toàn trình, thanh toán trực tuyến phí, lệ phí",
         "Trung tâm Phục vụ hành chính công phường", "Tổ công nghệ số cộng đồng; Đoàn Thanh niên phường", "Thường xuyên", "Hồ sơ trực tuyến được tiếp nhận"),
        ("task", "13", "Hướng dẫn, hỗ trợ người dân kích hoạt, sử dụng tài khoản định danh điện tử mức độ 2 và các tiện ích trên ứng dụng VNeID",
         SAME, "Công an phường; Tổ dân phố", "6 tháng đầu năm 2026", "Tài khoản định danh điện tử được kích hoạt"),
        ("task", "14", "Tiếp nhận, giải quyết thủ tục hành chính không phụ thuộc địa giới hành chính theo hướng dẫn của thành phố",
         SAME, "Các phòng chuyên môn", "Quý III/2026", "Báo cáo kết quả thực hiện"),
        ("task", "15", "Hỗ trợ hộ kinh doanh đưa sản phẩm lên sàn thương mại điện tử; tuyên truyền sử dụng hóa đơn điện tử, thanh toán không dùng tiền mặt tại chợ, tuyến phố kinh doanh",
         "Phòng Kinh tế, Hạ tầng và Đô thị", "Thuế cơ sở 3 thành phố Hải Phòng; Hội Liên hiệp Phụ nữ phường", "Trong năm 2026", "Danh sách hộ kinh doanh được hỗ trợ"),
        ("task", "16", "Ứng dụng phần mềm quản lý hồ sơ sức khỏe điện tử, tiêm chủng, khám chữa bệnh bảo hiểm y tế cho người dân",
         "Trạm Y tế phường", "Phòng Văn hóa - Xã hội", "Từ tháng 3 đến tháng 10/2026", "Hồ sơ sức khỏe điện tử"),
        ("task", "17", "Triển khai học bạ số, sổ điểm điện tử tại các trường học",
         "Phòng Văn hóa - Xã hội", "Các trường học trên địa bàn phường", "Năm học 2025-2026", "Học bạ số"),
        ("group", "IV", "NHIỆM VỤ VỀ BẢO ĐẢM AN TOÀN THÔNG TIN MẠNG"),
        ("task", "18", "Rà soát, xác định cấp độ an toàn hệ thống thông tin; triển khai phương án bảo đảm an toàn thông tin theo cấp độ",
         "Văn phòng HĐND và UBND phường", "Công an phường", "Trước ngày 30/6/2026", "Hồ sơ đề xuất cấp độ"),
        ("task", "19", "Tổ chức diễn tập ứng cứu sự cố an toàn thông tin mạng; tuyên truyền phòng, chống lừa đảo trên không gian mạng",
         "Công an phường", "Đoàn Thanh niên phường; Hội Cựu chiến binh phường", "Quý III/2026", "Kế hoạch; báo cáo kết quả diễn tập"),
        ("task", "20", "Tổng hợp, báo cáo kết quả thực hiện các nhiệm vụ chuyển đổi số của phường",
         "Phòng Văn hóa - Xã hội", "Các cơ quan, đơn vị thuộc phường", "Hằng quý; trước ngày 15/12/2026", "Báo cáo"),
    ],
    author="UBND phường Hồng Bàng",
)


NGO_QUYEN = Plan(
    stem="constructed-ngo-quyen-2026-kh-cai-cach-hanh-chinh",
    style="md",
    ward="Ngô Quyền",
    number="27",
    place_date="Ngô Quyền, ngày 20 tháng 01 năm 2026",
    issued=dt.datetime(2026, 1, 20, 8, 0, 0),
    title=["Triển khai thực hiện công tác cải cách hành chính nhà nước",
           "trên địa bàn phường Ngô Quyền năm 2026"],
    body=[
        ("para", "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030; Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia; Kế hoạch số 215/KH-UBND ngày 08/01/2026 của Ủy ban nhân dân thành phố Hải Phòng về cải cách hành chính nhà nước năm 2026; Chương trình hành động số 02/CTr-UBND ngày 14/01/2026 của Ủy ban nhân dân phường thực hiện Nghị quyết của Đảng ủy phường về phương hướng, nhiệm vụ năm 2026."),
        ("para", "Ủy ban nhân dân phường Ngô Quyền ban hành Kế hoạch triển khai thực hiện công tác cải cách hành chính nhà nước năm 2026, cụ thể như sau:"),
        ("h1", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("para", "1. Tiếp tục đẩy mạnh cải cách hành chính gắn với thực hiện chủ đề năm 2026 của phường “Kỷ cương, trách nhiệm, hành động, hiệu quả”; tạo chuyển biến rõ nét về chất lượng phục vụ người dân, doanh nghiệp, góp phần cải thiện môi trường đầu tư, kinh doanh trên địa bàn phường."),
        ("para", "2. Xác định cải cách hành chính là nhiệm vụ trọng tâm, thường xuyên của các cơ quan, đơn vị; gắn trách nhiệm của người đứng đầu với kết quả thực hiện nhiệm vụ cải cách hành chính được giao."),
        ("para", "3. Các nhiệm vụ phải cụ thể, có sản phẩm và thời hạn hoàn thành; bảo đảm sự phối hợp chặt chẽ giữa các cơ quan, đơn vị và sự giám sát của Nhân dân."),
        ("h1", "II. CHỈ TIÊU"),
        ("para", "1. Chỉ số hài lòng của người dân, doanh nghiệp đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS) đạt từ 95% trở lên."),
        ("para", "2. 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn, trước hạn; không để phát sinh hồ sơ trễ hạn do lỗi chủ quan của cán bộ, công chức."),
        ("para", "3. Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình đạt từ 80% đến 85%."),
        ("para", "4. Thời gian giải quyết thủ tục hành chính thuộc thẩm quyền của phường giảm 15-17% so với thời gian quy định."),
        ("para", "5. Chỉ số cải cách hành chính (PAR index) của phường đứng trong nhóm 20 địa phương dẫn đầu thành phố."),
        ("para", "6. 100% cán bộ, công chức phường được bồi dưỡng, tập huấn kiến thức, kỹ năng về cải cách hành chính, chuyển đổi số."),
        ("para", "7. Tỷ lệ phản ánh, kiến nghị của người dân, doanh nghiệp về quy định hành chính được xử lý đúng thời hạn đạt 100%."),
        ("para", "8. Duy trì áp dụng hiệu quả Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015 trong hoạt động của Ủy ban nhân dân phường."),
        ("h1", "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM"),
        ("para", "- Tăng cường công tác chỉ đạo, điều hành, kiểm tra việc thực hiện cải cách hành chính; gắn kết quả cải cách hành chính với đánh giá, xếp loại cán bộ, công chức và bình xét thi đua, khen thưởng."),
        ("para", "- Đẩy mạnh cải cách thủ tục hành chính, thực hiện hiệu quả cơ chế một cửa, một cửa liên thông; phấn đấu 100% hồ sơ thủ tục hành chính được số hóa ngay khi tiếp nhận; công khai, minh bạch thủ tục hành chính tại Trung tâm Phục vụ hành chính công phường."),
        ("para", "- Nâng cao chất lượng đội ngũ cán bộ, công chức; siết chặt kỷ luật, kỷ cương hành chính; kiên quyết xử lý cán bộ, công chức có hành vi nhũng nhiễu, gây phiền hà cho người dân, doanh nghiệp."),
        ("para", "- Quản lý, sử dụng ngân sách, tài sản công tiết kiệm, hiệu quả; đẩy nhanh tiến độ giải ngân vốn đầu tư công."),
        ("para", "- Đẩy mạnh xây dựng chính quyền số, ứng dụng công nghệ thông tin trong quản lý, điều hành và giải quyết thủ tục hành chính."),
        ("note", "(Chi tiết tại Phụ lục kèm theo)"),
        ("h1", "IV. KINH PHÍ THỰC HIỆN"),
        ("para", "Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách phường năm 2026 và các nguồn kinh phí hợp pháp khác theo quy định."),
        ("h1", "V. TỔ CHỨC THỰC HIỆN"),
        ("h2", "1. Văn phòng HĐND và UBND phường:"),
        ("para", "- Chủ trì, phối hợp với các cơ quan, đơn vị triển khai thực hiện Kế hoạch; tham mưu Ủy ban nhân dân phường kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị."),
        ("para", "- Theo dõi, đánh giá kết quả thực hiện các chỉ tiêu tại Kế hoạch; tổng hợp, báo cáo UBND phường trước ngày 15/12/2026."),
        ("para", "2. Giao Công an phường chủ trì, phối hợp với Trung tâm Phục vụ hành chính công phường thực hiện liên thông điện tử các nhóm thủ tục hành chính: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi; đăng ký khai tử, xóa đăng ký thường trú, hỗ trợ chi phí mai táng."),
        ("para", "3. Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp với Đoàn Thanh niên phường tuyên truyền về cải cách hành chính; tham mưu đưa kết quả cải cách hành chính vào tiêu chí bình xét thi đua của các cơ quan, đơn vị."),
        ("para", "4. Thủ trưởng các cơ quan, đơn vị thuộc phường chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân phường về kết quả cải cách hành chính của cơ quan, đơn vị mình; báo cáo kết quả thực hiện định kỳ hằng quý, 6 tháng, năm về Ủy ban nhân dân phường (qua Văn phòng HĐND và UBND phường)."),
        ("para", "5. Đề nghị Ủy ban MTTQ Việt Nam phường phối hợp giám sát việc giải quyết thủ tục hành chính; tiếp nhận, phản ánh ý kiến, kiến nghị của Nhân dân về thái độ phục vụ của cán bộ, công chức."),
        ("para", "Trên đây là Kế hoạch triển khai thực hiện công tác cải cách hành chính nhà nước năm 2026 của Ủy ban nhân dân phường Ngô Quyền. Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện; trong quá trình thực hiện, nếu có vướng mắc, báo cáo Ủy ban nhân dân phường (qua Văn phòng HĐND và UBND phường) để xem xét, giải quyết./."),
    ],
    recipients=[
        "- Sở Nội vụ (để b/c);",
        "- TT Đảng ủy, TT HĐND phường;",
        "- CT, các PCT UBND phường;",
        "- UB MTTQVN phường;",
        "- Các cơ quan, đơn vị thuộc phường;",
        "- Lưu: VT, VP.",
    ],
    signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    signer="Phạm Thị Thu Hà",
    appendix_title=["DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"],
    appendix_note="(Kèm theo Kế hoạch số 27/KH-UBND ngày 20/01/2026 của UBND phường Ngô Quyền)",
    rows=[
        ("group", "I", "CẢI CÁCH THỂ CHẾ"),
        ("task", "1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do Hội đồng nhân dân, Ủy ban nhân dân phường ban hành; kiến nghị sửa đổi, bổ sung, bãi bỏ văn bản không còn phù hợp",
         "Văn phòng HĐND và UBND phường", "Các phòng chuyên môn", "Quý II/2026", "Báo cáo kết quả rà soát"),
        ("task", "2", "Kiểm tra, xử lý văn bản quy phạm pháp luật theo thẩm quyền; theo dõi tình hình thi hành pháp luật trên địa bàn phường",
         SAME, "Công an phường", "Thường xuyên", "Báo cáo"),
        ("task", "3", "Xây dựng phường đạt chuẩn tiếp cận pháp luật năm 2026",
         "Phòng Văn hóa - Xã hội", "Các cơ quan, đơn vị thuộc phường; Tổ dân phố", "Trước ngày 30/11/2026", "Hồ sơ đề nghị công nhận"),
        ("group", "II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
        ("task", "4", "Rà soát, công bố, công khai đầy đủ thủ tục hành chính thuộc thẩm quyền giải quyết của phường trên Cổng Dịch vụ công quốc gia và tại Trung tâm Phục vụ hành chính công phường",
         "Trung tâm Phục vụ hành chính công phường", "Văn phòng HĐND và UBND phường", "Tháng 3/2026", "Danh mục thủ tục hành chính được công khai"),
        ("task", "5", "Tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo cơ chế một cửa, một cửa liên thông; phấn đấu 100% hồ sơ được giải quyết đúng hạn",
         SAME, "Các phòng chuyên môn", "Thường xuyên", "Sổ theo dõi hồ sơ"),
        ("task", "6", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo quy định",
         SAME, "Các phòng chuyên môn", "Hằng tháng", "Hồ sơ được số hóa"),
        ("task", "7", "Khảo sát, đo lường sự hài lòng của người dân, doanh nghiệp đối với sự phục vụ của cơ quan hành chính",
         SAME, "Ủy ban MTTQ Việt Nam phường; Đoàn Thanh niên phường", "6 tháng đầu năm 2026", "Báo cáo kết quả khảo sát"),
        ("task", "8", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
         "Văn phòng HĐND và UBND phường", "Trung tâm Phục vụ hành chính công phường", "Thường xuyên", "Báo cáo"),
        ("group", "III", "CẢI CÁCH TỔ CHỨC BỘ MÁY VÀ CHẾ ĐỘ CÔNG VỤ"),
        ("task", "9", "Rà soát, hoàn thiện đề án vị trí việc làm của các cơ quan, đơn vị thuộc Ủy ban nhân dân phường",
         "Phòng Văn hóa - Xã hội", "Các cơ quan, đơn vị thuộc phường", "Quý II/2026", "Đề án vị trí việc làm"),
        ("task", "10", "Đánh giá, xếp loại chất lượng cán bộ, công chức gắn với kết quả thực hiện nhiệm vụ trên phần mềm quản lý",
         SAME, "Các cơ quan, đơn vị thuộc phường", "Hằng quý", "Kết quả đánh giá, xếp loại"),
        ("task", "11", "Bồi dưỡng, tập huấn nghiệp vụ cải cách hành chính, kỹ năng giao tiếp, ứng xử cho công chức làm việc tại Trung tâm Phục vụ hành chính công phường",
         "Văn phòng HĐND và UBND phường", "Trung tâm Phục vụ hành chính công phường", "Quý III/2026", "Lớp tập huấn"),
        ("task", "12", "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính tại các cơ quan, đơn vị",
         "Văn phòng HĐND và UBND phường", "Công an phường", "Định kỳ 6 tháng", "Thông báo kết quả kiểm tra"),
        ("group", "IV", "CẢI CÁCH TÀI CHÍNH CÔNG"),
        ("task", "13", "Thực hiện cơ chế tự chủ, tự chịu trách nhiệm về sử dụng biên chế và kinh phí quản lý hành chính; công khai dự toán, quyết toán ngân sách phường theo quy định",
         "Phòng Kinh tế, Hạ tầng và Đô thị", "Văn phòng HĐND và UBND phường", "Trong năm 2026", "Báo cáo công khai ngân sách"),
        ("task", "14", "Đẩy nhanh tiến độ thực hiện các dự án đầu tư công trên địa bàn phường; phấn đấu tỷ lệ giải ngân vốn đầu tư công đạt tối thiểu 95%",
         "Ban Quản lý dự án đầu tư xây dựng khu vực", "Phòng Kinh tế, Hạ tầng và Đô thị", "Trước ngày 31/01/2027", "Báo cáo tiến độ giải ngân"),
        ("group", "V", "XÂY DỰNG, PHÁT TRIỂN CHÍNH QUYỀN SỐ"),
        ("task", "15", "Vận hành hiệu quả Hệ thống thông tin giải quyết thủ tục hành chính thành phố; kết nối, chia sẻ dữ liệu với Cơ sở dữ liệu quốc gia về dân cư",
         "Trung tâm Phục vụ hành chính công phường", "Công an phường", "Thường xuyên", "Hệ thống vận hành thông suốt"),
        ("task", "16", "Thành lập đội hình thanh niên tình nguyện hướng dẫn người dân sử dụng dịch vụ công trực tuyến, thanh toán trực tuyến phí, lệ phí",
         "Đoàn Thanh niên phường", "Trung tâm Phục vụ hành chính công phường; Tổ dân phố", "Quý II/2026", "Đội hình thanh niên tình nguyện"),
        ("task", "17", "Tuyên truyền về cải cách hành chính trên hệ thống thông tin cơ sở và trang thông tin điện tử phường; tổ chức Hội thi tìm hiểu về cải cách hành chính",
         "Phòng Văn hóa - Xã hội", "Hội Cựu chiến binh phường; Hội Liên hiệp Phụ nữ phường; Đoàn Thanh niên phường", "Tháng 9/2026", "Tin, bài; Hội thi"),
        ("task", "18", "Tổng hợp, báo cáo kết quả thực hiện công tác cải cách hành chính của phường",
         "Văn phòng HĐND và UBND phường", "Các cơ quan, đơn vị thuộc phường", "Hằng quý, năm", "Báo cáo"),
    ],
    author="UBND phường Ngô Quyền",
)

PLANS = [HONG_BANG, NGO_QUYEN]
COLUMNS = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"]


def check_plan(plan: Plan) -> None:
    """The data is NFC text, merged cells follow a lead cell, numbering is continuous."""
    def nfc(s):
        assert unicodedata.is_normalized("NFC", s), s
    for _, t in plan.body:
        nfc(t)
    n = 0
    prev_task = False
    for r in plan.rows:
        for c in r[1:]:
            if c is not None:
                nfc(c)
        if r[0] == "task":
            n += 1
            assert r[1] == str(n), (plan.stem, r[1])
            assert r[3] is not SAME or prev_task, ("merged lead cell without a cell above", r[1])
        prev_task = r[0] == "task"


# --------------------------------------------------------------------------- text rendition


def md_table(plan: Plan) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * len(COLUMNS)) + "|"]
    for r in plan.rows:
        if r[0] == "group":
            cells = [r[1], r[2], "", "", "", ""]
        else:
            _, stt, content, lead, support, deadline, product = r
            cells = [stt, content, lead or "", support, deadline, product]
        lines.append("|" + "|".join(f" {c} " if c else " " for c in cells) + "|")
    return lines


def render_txt(plan: Plan) -> str:
    md = plan.style == "md"
    b = (lambda s: f"**{s}**") if md else (lambda s: s)
    i = (lambda s: f"*{s}*") if md else (lambda s: s)
    blocks: list[str] = []
    if md:
        # the converter lost the issuer and motto lines, as in the seed renditions
        blocks += ["", f"Số: {plan.number}/KH-UBND", plan.place_date]
    else:
        blocks += ["ỦY BAN NHÂN DÂN\nPHƯỜNG " + plan.ward.upper(), f"Số: {plan.number}/KH-UBND",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", plan.place_date]
    if md:
        blocks.append("  \n".join(b(x) for x in ["KẾ HOẠCH", *plan.title]))
    else:
        blocks.append("\n".join(["KẾ HOẠCH", *plan.title]))
    for kind, text in plan.body:
        if kind in ("h1", "h2"):
            blocks.append(b(text))
        elif kind == "note":
            blocks.append(i(text))
        else:
            blocks.append(text)
    nn = "***Nơi nhận:***" if md else "Nơi nhận:"
    blocks.append("\n".join([nn, *plan.recipients]))
    if md:
        blocks.append(b("  \n".join(plan.signature)))
    else:
        blocks.append("\n".join(plan.signature))
    blocks.append(b(plan.signer))
    blocks.append(b("PHỤ LỤC"))
    blocks += [b(t) for t in plan.appendix_title]
    blocks.append(i(plan.appendix_note))
    blocks.append("\n".join(md_table(plan)))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- Word rendition


def build_docx(plan: Plan) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = a4_document()
    sec = document.sections[0]
    sec.header_distance = Mm(10)
    sec.different_first_page_header_footer = True  # page numbers from page 2 (NĐ 30/2020)
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(hp, OxmlElement, qn, Pt)

    def para(container, text="", *, bold=False, italic=False, size=None, align=None,
             indent=True, before=6, after=0):
        p = container.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
        f = p.paragraph_format
        f.space_before, f.space_after = Pt(before), Pt(after)
        if indent:
            f.first_line_indent = Mm(10)
        if text:
            parts = text.split("\n")
            for k, part in enumerate(parts):
                run = p.add_run(part)
                run.bold, run.italic = bold, italic
                if size:
                    run.font.size = Pt(size)
                if k < len(parts) - 1:
                    run.add_break(WD_BREAK.LINE)
        return p

    def rule(container, width_mm, cell_width_mm):
        """A short centred horizontal line: an empty paragraph with a bottom border."""
        p = container.add_paragraph()
        side = max(0.0, (cell_width_mm - width_mm) / 2)
        p.paragraph_format.left_indent = Mm(side)
        p.paragraph_format.right_indent = Mm(side)
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(4)
        ppr = p._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        ppr.append(bdr)
        rpr = OxmlElement("w:rPr")
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), "4")
        rpr.append(sz)
        ppr.append(rpr)
        return p

    def fill(cell, text, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, pad=0):
        ps = cell.paragraphs
        fresh = len(ps) == 1 and not ps[0].runs and ps[0]._p.pPr is None
        p = ps[0] if fresh else cell.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(pad)
        p.paragraph_format.space_after = Pt(pad)
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        return p

    # ---- header block: borderless 2 x 2 table (issuer | motto ; số | place, date)
    left_w, right_w = 60, 102
    t = document.add_table(rows=2, cols=2)
    no_borders(t)
    fixed_widths(t, [left_w, right_w])
    c = t.cell(0, 0)
    fill(c, "ỦY BAN NHÂN DÂN", size=13)
    fill(c, "PHƯỜNG " + plan.ward.upper(), bold=True, size=13)
    rule(c, 22, left_w)
    c = t.cell(0, 1)
    fill(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    fill(c, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    rule(c, 60, right_w)
    fill(t.cell(1, 0), f"Số: {plan.number}/KH-UBND", size=13)
    fill(t.cell(1, 1), plan.place_date, italic=True, size=14)

    # ---- type name and title
    para(document, "KẾ HOẠCH", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18)
    para(document, "\n".join(plan.title), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    rule(document, 40, 160)

    # ---- body
    for kind, text in plan.body:
        if kind == "h1":
            para(document, text, bold=True)
        elif kind == "h2":
            para(document, text, bold=True)
        elif kind == "note":
            para(document, text, italic=True)
        else:
            para(document, text)

    # ---- recipients | signature (borderless)
    t = document.add_table(rows=1, cols=2)
    no_borders(t)
    fixed_widths(t, [80, 80])
    _cant_split(t.rows[0], OxmlElement)  # the signature block stays on one page
    left, right = t.cell(0, 0), t.cell(0, 1)
    p = fill(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.space_before = Pt(12)
    for line in plan.recipients:
        fill(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    p = fill(right, plan.signature[0], bold=True, size=14)
    p.paragraph_format.space_before = Pt(12)
    for line in plan.signature[1:]:
        fill(right, line, bold=True, size=14)
    for _ in range(4):
        right.add_paragraph()
    fill(right, plan.signer, bold=True, size=14)

    # ---- appendix: landscape section
    app = document.add_section(WD_SECTION.NEW_PAGE)
    app.orientation = WD_ORIENT.LANDSCAPE
    app.page_width, app.page_height = Mm(297), Mm(210)
    app.top_margin, app.bottom_margin = Mm(20), Mm(15)
    app.left_margin, app.right_margin = Mm(20), Mm(15)
    app.different_first_page_header_footer = False
    para(document, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    for line in plan.appendix_title:
        para(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    para(document, plan.appendix_note, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    rule(document, 50, 262)

    widths = [13, 92, 42, 48, 32, 35]
    t = document.add_table(rows=1 + len(plan.rows), cols=len(COLUMNS))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(t, widths)
    # merges first (cells still empty), then text
    r = 1
    lead_top = None
    for row in plan.rows:
        if row[0] == "group":
            t.cell(r, 1).merge(t.cell(r, len(COLUMNS) - 1))
            lead_top = None
        else:
            if row[3] is SAME:
                t.cell(lead_top, 2).merge(t.cell(r, 2))
            else:
                lead_top = r
        r += 1
    for row in t.rows:
        _cant_split(row, OxmlElement)  # rows break whole across pages
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    th = OxmlElement("w:tblHeader")
    trpr.append(th)
    for k, name in enumerate(COLUMNS):
        cell = t.cell(0, k)
        fill(cell, name, bold=True, size=13, pad=2)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    r = 1
    for row in plan.rows:
        if row[0] == "group":
            fill(t.cell(r, 0), row[1], bold=True, size=13, pad=2)
            fill(t.cell(r, 1), row[2], bold=True, size=13, pad=2, align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            _, stt, content, lead, support, deadline, product = row
            fill(t.cell(r, 0), stt, size=13, pad=2)
            fill(t.cell(r, 1), content, size=13, pad=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            if lead is not SAME:
                fill(t.cell(r, 2), lead, size=13, pad=2)
                t.cell(r, 2).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            fill(t.cell(r, 3), support, size=13, pad=2)
            fill(t.cell(r, 4), deadline, size=13, pad=2)
            fill(t.cell(r, 5), product, size=13, pad=2)
            for k in (0, 3, 4, 5):
                t.cell(r, k).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        r += 1

    cp = document.core_properties
    cp.author = plan.author
    cp.last_modified_by = plan.author
    cp.title = "Kế hoạch " + " ".join(plan.title)
    cp.subject = ""
    cp.keywords = ""
    cp.comments = "Constructed test document of the plan_extract corpus (not a real plan)."
    cp.created = plan.issued
    cp.modified = plan.issued
    cp.last_printed = plan.issued
    cp.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue(), plan.issued)


def _page_field(p, OxmlElement, qn, Pt):
    def fld(kind):
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        return e
    r = p.add_run()
    r._r.append(fld("begin"))
    r = p.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " PAGE "
    r._r.append(it)
    r = p.add_run()
    r._r.append(fld("separate"))
    r = p.add_run("2")
    r.font.size = Pt(13)
    r = p.add_run()
    r._r.append(fld("end"))


def _cant_split(row, OxmlElement):
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))






def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """Same archive with fixed entry timestamps and order (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF rendition


def build_pdf(docx_path: Path, pdf_path: Path, when: dt.datetime) -> None:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(docx_path)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        data = (Path(tmp) / (docx_path.stem + ".pdf")).read_bytes()
    pdf_path.write_bytes(_fixed_pdf(data, when, docx_path.stem))


def _fixed_pdf(data: bytes, when: dt.datetime, seed: str) -> bytes:
    """Replace the creation/modification dates and the file ID by fixed values of the same length,
    so that the cross-reference offsets stay valid."""
    stamp = when.strftime("D:%Y%m%d%H%M%S")

    def date(m):
        old = m.group(2)
        new = stamp.encode("ascii") + old[len(stamp):]  # keep LibreOffice's zone suffix ("Z'")
        return m.group(1) + new + b")"

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()([^)]*)\)", date, data)
    digest = hashlib.md5(seed.encode()).hexdigest().upper().encode()

    def ident(m):
        h = m.group(1)
        return b"<" + (digest * 4)[: len(h)] + b">"

    data = re.sub(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]",
                  lambda m: re.sub(rb"<([0-9A-Fa-f]+)>", ident, m.group(0)), data)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)", lambda m: m.group(1) + (digest * 2)[: len(m.group(2))], data)
    return data


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pdf", action="store_true", help="do not run LibreOffice")
    args = ap.parse_args(argv)
    for plan in PLANS:
        check_plan(plan)
        txt = CORPUS / "txt" / f"{plan.stem}.txt"
        txt.write_text(render_txt(plan), encoding="utf-8")
        docx_path = CORPUS / "docx" / f"{plan.stem}.docx"
        docx_path.write_bytes(build_docx(plan))
        if not args.no_pdf:
            build_pdf(docx_path, CORPUS / "pdf" / f"{plan.stem}.pdf", plan.issued)
        print(f"built {plan.stem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
